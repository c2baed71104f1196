/** Reading applied records and their history (the ordered list of their applied transactions). */
package io.collectoffline.server.records;
