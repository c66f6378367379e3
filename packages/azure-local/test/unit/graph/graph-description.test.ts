/**
 * The committed description of Graph (derived from Microsoft's CSDL by
 * packages/azure-local/src/graph/metadata/derive.ts) is well-formed, names its source, and describes every route the
 * simulator serves; and the derivation itself resolves paths the way the metadata has them.
 */
import { describe, expect, it } from "vitest";
import { parseCsdl } from "../../../src/graph/metadata/csdl.js";
import {
  describeOperation,
  SOURCE_COMMIT,
  UnresolvedSegmentError,
} from "../../../src/graph/metadata/derive.js";
import { graphDescription } from "../../../src/graph/metadata/description.js";
import type { Route } from "../../../src/graph/http/types.js";
import { batchRoutes } from "../../../src/graph/routes/batch.js";
import { importSessionRoutes } from "../../../src/graph/routes/imports.js";
import { folderRoutes } from "../../../src/graph/routes/mailboxFolders.js";
import { itemRoutes } from "../../../src/graph/routes/mailboxItems.js";
import { sendMailRoutes } from "../../../src/graph/routes/sendMail.js";
import { userRoutes } from "../../../src/graph/routes/users.js";
import type { Router } from "../../../src/graph/http/router.js";

const routes: readonly Route[] = [
  ...userRoutes,
  ...folderRoutes,
  ...itemRoutes,
  ...importSessionRoutes,
  ...sendMailRoutes,
  ...batchRoutes(() => ({}) as Router),
];

/** A path's shape: literal segments in lower case, every parameter alike. */
function shape(path: string): string {
  return path
    .split("/")
    .filter(Boolean)
    .map((segment) => (/^\{\w+\}$/.test(segment) ? "{}" : segment.toLowerCase()))
    .join("/");
}

describe("the committed Graph description", () => {
  const description = graphDescription();

  it("names the metadata commit it was derived from and how to derive it again", () => {
    expect(description.source).toEqual({
      repository: "microsoftgraph/msgraph-metadata",
      commit: SOURCE_COMMIT,
      file: "v1.0-Prod.csdl",
      license: "MIT",
    });
    expect(description.regenerate).toMatch(
      /^npx tsx packages\/azure-local\/src\/graph\/metadata\/derive\.ts /,
    );
  });

  it("describes every route the simulator serves, and the simulator serves every operation", () => {
    const operations = new Set(
      description.operations.map((operation) => `${operation.method} ${shape(operation.path)}`),
    );
    const served = new Set(routes.map((route) => `${route.method} ${shape(route.pattern)}`));
    expect([...served].filter((route) => !operations.has(route))).toEqual([]);
    expect([...operations].filter((operation) => !served.has(operation))).toEqual([]);
    for (const operation of description.operations) expect(operation.page).not.toBe("");
  });

  it("gives mailboxItem the metadata's properties, without receivedDateTime", () => {
    expect(description.types["microsoft.graph.mailboxItem"]).toEqual([
      "categories",
      "changeKey",
      "createdDateTime",
      "id",
      "lastModifiedDateTime",
      "size",
      "type",
    ]);
    expect(description.types["microsoft.graph.mailboxFolder"]).not.toContain("wellKnownName");
    expect(description.docsOnly).toContainEqual(expect.objectContaining({ property: "wellKnownName" }));
    expect(description.beta.types["microsoft.graph.exchangeSettings"]).toContain("inPlaceArchiveMailboxId");
  });

  it("has no move action, and deletes items only through their folder", () => {
    const paths = description.operations.map((operation) => `${operation.method} ${operation.path}`);
    expect(paths.filter((path) => /\/move$/.test(path))).toEqual([]);
    expect(paths).toContain(
      "DELETE /admin/exchange/mailboxes/{mailboxId}/folders/{mailboxFolderId}/items/{mailboxItemId}",
    );
    expect(paths.filter((path) => /mailboxes\/\{mailboxId\}\/items/.test(path))).toEqual([]);
  });
});

const MINI_CSDL = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true"><Property Name="id" Type="Edm.String" /></EntityType>
      <EntityType Name="admin"><NavigationProperty Name="exchange" Type="graph.exchangeAdmin" ContainsTarget="true" /></EntityType>
      <EntityType Name="exchangeAdmin" BaseType="graph.entity"><NavigationProperty Name="mailboxes" Type="Collection(graph.mailbox)" ContainsTarget="true" /></EntityType>
      <EntityType Name="mailbox" BaseType="graph.entity"><NavigationProperty Name="folders" Type="Collection(graph.mailboxFolder)" ContainsTarget="true" /></EntityType>
      <EntityType Name="mailboxFolder" BaseType="graph.entity"><Property Name="displayName" Type="Edm.String" /></EntityType>
      <Action Name="exportItems" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.mailbox" />
        <Parameter Name="ItemIds" Type="Collection(Edm.String)" />
      </Action>
      <EntityContainer Name="GraphService"><Singleton Name="admin" Type="microsoft.graph.admin" /></EntityContainer>
      <Annotations Target="microsoft.graph.mailbox/folders">
        <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="false" /></Record></Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;

describe("deriving the description from a CSDL", () => {
  const csdl = parseCsdl(MINI_CSDL);
  const documented = {
    page: "page.md",
    permissions: [],
    usedFor: "test",
  } as const;

  it("resolves each segment, takes an action's parameters, and reports a capability the page contradicts", () => {
    const exported = describeOperation(csdl, {
      ...documented,
      id: "export",
      method: "POST",
      path: "/admin/exchange/mailboxes/{mailboxId}/exportItems",
    });
    expect(exported.body).toEqual({ kind: "parameters", names: ["ItemIds"] });
    expect(exported.segments[0]).toBe("admin: singleton microsoft.graph.admin");
    const created = describeOperation(csdl, {
      ...documented,
      id: "create",
      method: "POST",
      path: "/admin/exchange/mailboxes/{mailboxId}/folders",
    });
    expect(created.body).toEqual({ kind: "entity", type: "microsoft.graph.mailboxFolder" });
    expect(created.conflict).toMatch(/Insertable=false/);
  });

  it("refuses a path the metadata cannot place, naming the segment", () => {
    expect(() =>
      describeOperation(csdl, {
        ...documented,
        id: "move",
        method: "POST",
        path: "/admin/exchange/mailboxes/{mailboxId}/folders/{mailboxFolderId}/move",
      }),
    ).toThrow(UnresolvedSegmentError);
    expect(() =>
      describeOperation(csdl, {
        ...documented,
        id: "items",
        method: "DELETE",
        path: "/admin/exchange/mailboxes/{mailboxId}/items/{mailboxItemId}",
      }),
    ).toThrow(/segment 'items'/);
  });
});
