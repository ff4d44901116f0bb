package dev.dialtone.compat;

/** The demo directory's identities these tests use (README, "The Create call page's examples"). */
final class Demo {
  private Demo() {}

  static final String CONTOSO = "aa67bd4c-8475-432d-bd41-39f255720e0a";
  static final String FABRIKAM = "86dc81db-c112-4228-9222-63f3esaa1edb";

  static final App CALLING_BOT =
      new App("2891555a-92ff-42e6-80fa-6e1300c6b5c6", "calling-bot-demo-secret", "Calling Bot");
  static final App TEST_BOT =
      new App("dd3885da-f9ab-486b-bfae-85de3d445555", "test-bot-demo-secret", "TestBot");

  static final String JOHN = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";
  static final String USER1 = "98da8a1a-1b87-452c-a713-65d3f10b5555";
  static final String USER2 = "bf5aae9a-d11d-47a8-93b1-782504c95555";
  static final String BOB = "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96";
  static final String BOBS_MEETING_THREAD =
      "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2";
  /** Calling Bot's resource account (application instance), with a phone number. */
  static final String INSTANCE = "3d913abb-aec0-4964-8fa6-3c6850c4f278";
  static final String PSTN_NUMBER = "+12345678901";

  record App(String appId, String secret, String displayName) {}
}
