/**
 * The laptop's status in JSON and on its page: who it is (identity), its capture, its outbox and its push, put
 * together here so that none of those packages needs another's types.
 */
package io.collectoffline.client.status;
