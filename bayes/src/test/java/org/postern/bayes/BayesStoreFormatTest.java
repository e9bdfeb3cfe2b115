package org.postern.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/** The format stamp: counts kept for another tokenizer or layout are refused, never read as this one's. */
class BayesStoreFormatTest {

    @TempDir
    Path dir;

    /** Writes one raw key/value into the store's database, as another build would have. */
    private void writeRaw(byte[] key, byte[] value) {
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(LmdbBayesStore.DEFAULT_MAP_SIZE_BYTES)
                .setMaxDbs(1).open(dir.toFile())) {
            Dbi<byte[]> dbi = env.openDbi(LmdbBayesStore.DBI_NAME, DbiFlags.MDB_CREATE);
            try (Txn<byte[]> txn = env.txnWrite()) {
                dbi.put(txn, key, value);
                txn.commit();
            }
        }
    }

    private byte[] readRaw(byte[] key) {
        try (Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(LmdbBayesStore.DEFAULT_MAP_SIZE_BYTES)
                .setMaxDbs(1).open(dir.toFile())) {
            Dbi<byte[]> dbi = env.openDbi(LmdbBayesStore.DBI_NAME);
            try (Txn<byte[]> txn = env.txnRead()) {
                return dbi.get(txn, key);
            }
        }
    }

    @Test
    void aNewStoreIsStampedAndOpensAgain() {
        try (LmdbBayesStore store = LmdbBayesStore.open(dir)) {
            store.learn("alice", "m1", MessageTokens.ofStrings("w:a"), true);
        }
        assertThat(new String(readRaw(BayesStoreCodec.FORMAT_KEY), StandardCharsets.UTF_8))
                .isEqualTo(BayesStoreCodec.FORMAT);
        try (LmdbBayesStore again = LmdbBayesStore.open(dir)) {
            assertThat(again.countsFor("alice").learnedSpam()).isEqualTo(1);
        }
    }

    @Test
    void aStoreOfAnotherFormatIsRefusedWithWhatToDo() {
        writeRaw(BayesStoreCodec.FORMAT_KEY, "postern-bayes/0".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> LmdbBayesStore.open(dir)).isInstanceOf(BayesStoreException.class)
                .hasMessage("bayes store in " + dir + " has format postern-bayes/0; this Postern reads "
                        + BayesStoreCodec.FORMAT + ". Its counts belong to another tokenizer: move the directory"
                        + " away and learn again with postern learn");
    }

    @Test
    void dataWithoutAStampIsRefusedAndLeftAsItWas() {
        byte[] oldKey = {'t', 0, 'a', 0, 1, 2, 3};
        writeRaw(oldKey, new byte[16]);
        assertThatThrownBy(() -> LmdbBayesStore.open(dir)).isInstanceOf(BayesStoreException.class)
                .hasMessageContaining("has no format stamp");
        assertThat(readRaw(BayesStoreCodec.FORMAT_KEY)).isNull();
        assertThat(readRaw(oldKey)).hasSize(16);
    }
}
