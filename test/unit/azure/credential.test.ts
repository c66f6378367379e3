import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { chooseCredential, credentialFor } from "../../../shared/azure/credential.js";

const CLIENT_ID = "00000000-0000-4000-8000-00000000000a";

describe("chooseCredential", () => {
  it("signs in as the user-assigned managed identity a client id names", () => {
    expect(chooseCredential({ clientId: CLIENT_ID })).toEqual({
      kind: "managedIdentity",
      clientId: CLIENT_ID,
    });
    expect(chooseCredential({ clientId: CLIENT_ID, managedIdentityOnly: true })).toEqual({
      kind: "managedIdentity",
      clientId: CLIENT_ID,
    });
  });

  it("uses the default chain without a client id (an empty one counts as none)", () => {
    expect(chooseCredential()).toEqual({ kind: "default" });
    expect(chooseCredential({ clientId: "" })).toEqual({ kind: "default" });
  });

  it("uses the system-assigned managed identity where only a managed identity will do", () => {
    expect(chooseCredential({ managedIdentityOnly: true })).toEqual({ kind: "managedIdentity" });
  });
});

describe("credentialFor", () => {
  it("builds the credential the choice names", () => {
    expect(credentialFor({ clientId: CLIENT_ID })).toBeInstanceOf(ManagedIdentityCredential);
    expect(credentialFor({ managedIdentityOnly: true })).toBeInstanceOf(ManagedIdentityCredential);
    expect(credentialFor({})).toBeInstanceOf(DefaultAzureCredential);
  });
});
