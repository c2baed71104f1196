/** The laptop's web pages (Qute): status and push, records and forms, reconciliation. They only call the API. */
package io.collectoffline.client.pages;
