package io.collectoffline.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The people who may log in on field laptops with no network (issue 19), as the server issued them, signed with the
 * server's signing key (the one its down-sync pages are signed with). A laptop takes the list from its server
 * directly, or from a middleman that carried it: the signature stops a carrier adding, removing or altering an
 * account, and {@code issued} stops it handing over an older list than the laptop holds (a disabled account's, an old
 * password's).
 *
 * @param issued    when the server read the list (its database's clock): a laptop takes a carried list only when it
 *                  is newer than the one it holds
 * @param accounts  every enabled research assistant, by name
 * @param signer    the server's signing public key (Ed25519, X.509 base64): a laptop checks it is the key it pinned
 * @param signature the server's Ed25519 signature of {@link #signedBytes} (base64 in JSON)
 */
public record AccountList(Instant issued, List<LaptopAccount> accounts, String signer, byte[] signature) {

    public AccountList {
        accounts = accounts == null ? null : List.copyOf(accounts); // a null account is refused here, as unreadable
    }

    /** What the server signs: the issue time and every account's name, full name and hash, in order. */
    public static byte[] signedBytes(AccountList list) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (LaptopAccount a : list.accounts()) {
                for (String part : new String[] {a.username(), a.displayName(), a.passwordHash()}) {
                    byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
                    digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8)); // no field can end early
                    digest.update(bytes);
                }
            }
            return ("collect-offline laptop accounts v1|" + list.issued() + "|"
                            + list.accounts().size() + "|" + HexFormat.of().formatHex(digest.digest()))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same list signed: {@code signer} is the public key of the signature. */
    public AccountList signed(String signer, byte[] signature) {
        return new AccountList(issued, accounts, signer, signature);
    }
}
