/** Test helpers shared by the modules' tests: the packaged apps started as real processes. */
package io.collectoffline.testing;
