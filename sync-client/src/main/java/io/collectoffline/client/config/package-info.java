/** Typed configuration of the laptop app ({@code sync.client.*}); invalid values stop start-up naming the key. */
package io.collectoffline.client.config;
