/**
 * The example study domain (DESIGN §3): households, subjects, visits, one CRF, specimen requisitions and receipts.
 * Every entity is an offline model with a UUID id and a natural key; foreign keys are the target's UUID.
 */
package io.collectoffline.study;
