/**
 * Payload codecs: how a record snapshot is sealed for travel and opened by the server. Keeps: relays never need a
 * codec; a payload names the key that sealed it.
 */
package io.collectoffline.codec;
