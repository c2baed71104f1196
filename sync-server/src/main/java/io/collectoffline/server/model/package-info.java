/**
 * The offline models as the server's database holds them: registry, table columns and their types, apply SQL.
 * Keeps: the server never starts with a model whose table does not match its fields.
 */
package io.collectoffline.server.model;
