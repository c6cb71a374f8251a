import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/env";

describe("configuration", () => {
  it("defaults the data dir to ./data and always allows it", () => {
    const config = parseConfig({}, "/srv/app");
    expect(config.dataDir).toBe("/srv/app/data");
    expect(config.databasePath).toBe("/srv/app/data/pma-lab.sqlite");
    expect(config.roots).toEqual(["/srv/app/data"]);
  });

  it("splits PMA_LAB_ROOTS on the platform delimiter and resolves relative roots", () => {
    const config = parseConfig({ PMA_LAB_DATA_DIR: "/d", PMA_LAB_ROOTS: ["/ckpt", "rel", "", "/d"].join(path.delimiter) }, "/srv");
    expect(config.roots).toEqual(["/d", "/ckpt", "/srv/rel"]);
  });

  it("refuses an empty data dir with a clear message", () => {
    expect(() => parseConfig({ PMA_LAB_DATA_DIR: "  " })).toThrow(/Invalid configuration: PMA_LAB_DATA_DIR/);
  });
});
