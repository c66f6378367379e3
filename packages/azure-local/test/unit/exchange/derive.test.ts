import { describe, expect, it } from "vitest";
import { deriveCmdlet } from "../../../src/exchange/reference/derive.js";
import { allowList } from "../../../src/exchange/bind.js";

const PAGE = `---
applicable: Exchange Server 2019, Exchange Online
title: Set-Thing
---

# Set-Thing

## SYNTAX

### Cloud
\`\`\`
Set-Thing [-Identity] <ThingIdParameter> -Mode <String> [-Cloudy] [<CommonParameters>]
\`\`\`

### Local
\`\`\`
Set-Thing [-Identity] <ThingIdParameter> -Server <Fqdn> [-Cloudy] [<CommonParameters>]
\`\`\`

## DESCRIPTION
Sets a thing.

## PARAMETERS

### -Identity

> Applicable: Exchange Server 2019, Exchange Online

\`\`\`yaml
Type: ThingIdParameter
Parameter Sets: (All)
Required: True
\`\`\`

### -Mode

> Applicable: Exchange Online

\`\`\`yaml
Type: String
Parameter Sets: Cloud
Required: True
\`\`\`

### -Server

> Applicable: Exchange Server 2019

\`\`\`yaml
Type: Fqdn
Parameter Sets: Local
Required: True
\`\`\`

### -Cloudy

> Applicable: Exchange Server 2019, Exchange Online

\`\`\`yaml
Type: SwitchParameter
Parameter Sets: Cloud, Local
Required: False
\`\`\`

## INPUTS
`;

describe("allow-list derivation from the cmdlet reference pages", () => {
  it("keeps the sets Exchange Online can use, with their Exchange Online parameters", () => {
    expect(deriveCmdlet(PAGE)).toEqual({
      parameters: ["Identity", "Mode", "Cloudy"],
      parameterSets: {
        Cloud: {
          Identity: { type: "ThingIdParameter", mandatory: true },
          Mode: { type: "String", mandatory: true },
          Cloudy: { type: "SwitchParameter", mandatory: false },
        },
      },
    });
  });

  it("drops a cmdlet that does not apply to Exchange Online", () => {
    expect(
      deriveCmdlet(
        PAGE.replace("Exchange Server 2019, Exchange Online\ntitle", "Exchange Server 2019\ntitle"),
      ),
    ).toBeUndefined();
  });

  it("names the reference commit it was derived from", () => {
    const reference = allowList();
    expect(reference.commit).toBe("93336da2bca96c31c0fc8acc52658a30ef8a6c94");
    expect(reference.cmdlets["Enable-RemoteMailbox"]).toBeUndefined();
    expect(Object.keys(reference.cmdlets["Set-MigrationUser"]?.parameterSets.Default ?? {})).toEqual(
      expect.arrayContaining(["Identity", "CompleteAfter", "ApproveSkippedItems"]),
    );
  });
});
