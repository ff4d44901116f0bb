package dev.dialtone.server;

/** Identities of the demo directory that tests use. */
final class Demo {
  private Demo() {}

  static final String CONTOSO = "aa67bd4c-8475-432d-bd41-39f255720e0a";
  static final String FABRIKAM = "86dc81db-c112-4228-9222-63f3esaa1edb";

  static final App CALLING_BOT =
      new App("2891555a-92ff-42e6-80fa-6e1300c6b5c6", "calling-bot-demo-secret", "Calling Bot");
  static final App TEST_BOT =
      new App("dd3885da-f9ab-486b-bfae-85de3d445555", "test-bot-demo-secret", "TestBot");
  static final App P2P_BOT =
      new App("6b1c5a2e-0c7d-4f3e-9a51-2f4e8d9c1a01", "p2p-bot-demo-secret", "Peer-to-peer Bot");
  static final App GUEST_BOT =
      new App("6b1c5a2e-0c7d-4f3e-9a51-2f4e8d9c1a02", "guest-bot-demo-secret", "Guest Meeting Bot");
  static final App UNCONSENTED_BOT =
      new App("6b1c5a2e-0c7d-4f3e-9a51-2f4e8d9c1a03", "unconsented-bot-demo-secret", "Unconsented Bot");

  static final String JOHN = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
  static final String INSTANCE = "3d913abb-aec0-4964-8fa6-3c6850c4f278";

  record App(String appId, String secret, String displayName) {}
}
