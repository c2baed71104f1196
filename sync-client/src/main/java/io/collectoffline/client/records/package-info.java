/**
 * The data entry API: records of offline models created, changed, deleted and read over REST, and their local
 * history. Keeps: bad input changes nothing and is answered with every offending field listed.
 */
package io.collectoffline.client.records;
