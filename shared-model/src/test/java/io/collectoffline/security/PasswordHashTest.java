package io.collectoffline.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void aHashOpensWithItsPasswordOnlyAndNeverHoldsIt() {
        String hash = PasswordHash.hash("correct horse battery");
        assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain("correct");
        assertThat(PasswordHash.wellFormed(hash)).isTrue();
        assertThat(PasswordHash.matches("correct horse battery", hash)).isTrue();
        assertThat(PasswordHash.matches("correct horse batterY", hash)).isFalse();
        assertThat(PasswordHash.matches("", hash)).isFalse();
        assertThat(PasswordHash.hash("correct horse battery")).isNotEqualTo(hash); // a fresh salt each time
    }

    @Test
    void nonAsciiPasswordsWork() {
        String hash = PasswordHash.hash("Ñandú-kɛ́-ŋgɔ-2026");
        assertThat(PasswordHash.matches("Ñandú-kɛ́-ŋgɔ-2026", hash)).isTrue();
        assertThat(PasswordHash.matches("Nandu-ke-ngo-2026", hash)).isFalse();
    }

    @Test
    void shortLongOrControlCharacterPasswordsAreRefusedWithAReason() {
        assertThat(PasswordHash.problem("short")).contains("at least 10");
        assertThat(PasswordHash.problem(null)).contains("at least 10");
        assertThat(PasswordHash.problem("x".repeat(201))).contains("at most 200");
        assertThat(PasswordHash.problem("ten chars\u0000!")).contains("control");
        assertThat(PasswordHash.problem("a fine passphrase")).isNull();
        assertThatThrownBy(() -> PasswordHash.hash("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anythingThatIsNotAHashNeverMatchesAndNeverThrows() {
        String good = PasswordHash.hash("correct horse battery");
        String[] parts = good.split("\\$");
        for (String bad : new String[] {
            null,
            "",
            "correct horse battery",
            "$$$",
            "bcrypt$10$abc$def",
            "pbkdf2-sha256$0$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$999999999$" + parts[2] + "$" + parts[3], // would take minutes: refused unread
            "pbkdf2-sha256$x$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$600000$!!!$" + parts[3],
            "pbkdf2-sha256$600000$" + parts[2] + "$" + parts[3].substring(4),
            good + "$extra"
        }) {
            assertThat(PasswordHash.matches("correct horse battery", bad))
                    .as(bad)
                    .isFalse();
            assertThat(PasswordHash.wellFormed(bad)).as(bad).isFalse();
        }
        assertThat(PasswordHash.matches(null, good)).isFalse();
        assertThat(PasswordHash.matches("x".repeat(100_000), good)).isFalse();
    }
}
