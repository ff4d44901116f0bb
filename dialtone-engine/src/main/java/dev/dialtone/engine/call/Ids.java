package dev.dialtone.engine.call;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * The ids of what is stored by id (calls, notifications): GUIDs laid out as UUID version 7 (RFC
 * 9562), a 48-bit millisecond timestamp followed by 74 random bits.
 *
 * <p>Why not version 4: every store keeps these ids in B-tree indexes (the primary keys, and the
 * indexes that start with a call id). Fully random ids land each new row on a random leaf page, so
 * every create dirties pages all over the indexes, and each dirty page is written again at every
 * commit (a SQLite WAL frame, a PostgreSQL full-page image after each checkpoint). Ids that grow
 * with time append to the right-most leaf, which the writes of one commit share. They are still
 * GUIDs in the form Graph uses, and still unguessable in their 74 random bits; what they reveal is
 * the millisecond they were made, which the call's own {@code createdAt} shows anyway.
 */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** A new id whose leading bits are {@code at}, to the millisecond. */
  static String timeOrdered(Instant at) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    long millis = at.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | 0x7000L | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
    long low = 0;
    for (int i = 2; i < 10; i++) {
      low = (low << 8) | (random[i] & 0xFFL);
    }
    low = (low & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
