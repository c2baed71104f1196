package io.collectoffline.protocol;

import java.util.List;

/**
 * One page of a device's down-sync feed (two-way, ADR 14): the settled transactions of its subscription after
 * {@code after}, in the server's order. The device asks for the next page after {@code next} once it has applied
 * this one; asking is how the server learns how far the device holds.
 *
 * @param device       the device the payloads are sealed to
 * @param subscription what the device is subscribed to ({@code site:<site>}, {@code unsited}, or
 *                     {@code assigned:<digest>} of what is assigned to it): positions are positions in this
 *                     subscription's feed, so a device whose subscription changed (moved to another site, assigned
 *                     other records) starts again from 0 — what it received before is skipped by txId
 * @param after   the position asked after
 * @param next    the position to ask after next (the last entry's order, or {@code after} when empty)
 * @param more    whether more entries follow now
 * @param latest  where the feed ended when the page was read: exact when {@code more} is false (then
 *                {@code next}), else the server's last settled position, an upper bound (behind by: latest - next,
 *                in positions)
 * @param entries the entries, in order
 * @param dependencies records the entries depend on that are not in the device's feed (a visit made here of a subject
 *                enrolled at another site: the subject and its household), each as its latest settled version
 *                before the entry that needs it, parents first: applied before the entries, outside the chain
 *                of positions (their {@code previous} is 0); signed with the page
 * @param signer  the server's signing public key (Ed25519, X.509 base64) the page is signed with: a device pins
 *                its server's and refuses pages signed by another
 * @param signature the server's Ed25519 signature of {@link #signedBytes}: the device, subscription and positions and
 *                every entry of the page — a carrier can neither forge, alter, renumber nor leave out an entry (base64
 *                in JSON; one signature per page: the JDK's Ed25519 costs about a millisecond per operation)
 * @param rewound true when the device asked after a position this server never handed out to it (its database was
 *                restored from a backup and has handed those positions out again): the page starts at {@code after},
 *                before the position asked, and the device goes back there (ADR 19); signed with the page, absent
 *                (false) otherwise, so that a page that is not rewound signs as it did before
 */
public record DownSyncPage(
        String device,
        String subscription,
        long after,
        long next,
        boolean more,
        long latest,
        List<DownSyncEntry> entries,
        List<DownSyncEntry> dependencies,
        String signer,
        byte[] signature,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
        boolean rewound) {

    /** A page that is not rewound. */
    public DownSyncPage(
            String device,
            String subscription,
            long after,
            long next,
            boolean more,
            long latest,
            List<DownSyncEntry> entries,
            List<DownSyncEntry> dependencies,
            String signer,
            byte[] signature) {
        this(device, subscription, after, next, more, latest, entries, dependencies, signer, signature, false);
    }

    public DownSyncPage {
        entries = entries == null ? List.of() : List.copyOf(entries);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    /** The most entries one page holds. */
    public static final int MAX_ENTRIES = 1000;

    /** What the server signs of a page: the device, subscription, positions and a digest of every entry. */
    public static byte[] signedBytes(DownSyncPage page) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            for (DownSyncEntry e : page.entries()) {
                digest.update(DownSyncEntry.signedBytes(page.device(), page.subscription(), e));
                digest.update((byte) '\n');
            }
            String dependencies = "";
            if (!page.dependencies().isEmpty()) { // absent when empty: a page without any signs as it did before
                java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
                for (DownSyncEntry e : page.dependencies()) {
                    d.update(DownSyncEntry.signedBytes(page.device(), page.subscription(), e));
                    d.update((byte) '\n');
                }
                dependencies = "|dependencies " + page.dependencies().size() + "|"
                        + java.util.HexFormat.of().formatHex(d.digest());
            }
            return ("collect-offline down-sync page v1|" + page.device() + "|" + page.subscription() + "|"
                            + page.after() + "|" + page.next() + "|"
                            + page.entries().size() + "|"
                            + java.util.HexFormat.of().formatHex(digest.digest()) + dependencies
                            + (page.rewound() ? "|rewound" : ""))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.security.GeneralSecurityException x) {
            throw new IllegalStateException(x);
        }
    }

    /** The same page with {@code signature}. */
    public DownSyncPage withSignature(byte[] signature) {
        return new DownSyncPage(
                device, subscription, after, next, more, latest, entries, dependencies, signer, signature, rewound);
    }
}
