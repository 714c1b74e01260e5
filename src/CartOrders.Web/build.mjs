// Builds the web client into dist/: the page's own files from src/ as they are (plain ES
// modules, no bundling), plus the browser builds of the pinned npm packages in dist/lib/: the
// SignalR client, and MSAL (loaded by js/auth.js only when config.json has an `auth` block). The output uses relative URLs only, so any static file host can serve it.
// A deployment's config.deploy.json (written by infra/hooks/web-config.sh from the azd
// environment) becomes dist/config.json; without it, src/config.json (the page's own origin).
import { cp, mkdir, rm, access } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const source = join(root, "src");
const output = join(root, "dist");
const signalrBrowser = join(root, "node_modules", "@microsoft", "signalr", "dist", "browser");
// MSAL's UMD build (global `msal`); its ES module build imports bare specifiers a browser cannot resolve.
const msalBrowser = join(root, "node_modules", "@azure", "msal-browser", "lib");

async function exists(path) {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

for (const [name, file] of [["@microsoft/signalr", join(signalrBrowser, "signalr.min.js")], ["@azure/msal-browser", join(msalBrowser, "msal-browser.min.js")]]) {
  if (!(await exists(file))) {
    console.error(`${name} is not installed: run \`npm ci\` in src/CartOrders.Web first.`);
    process.exit(1);
  }
}

await rm(output, { recursive: true, force: true });
await cp(source, output, { recursive: true });

const deployConfig = join(root, "config.deploy.json");
if (await exists(deployConfig)) {
  await cp(deployConfig, join(output, "config.json"));
  console.log("config.json from config.deploy.json");
}

await mkdir(join(output, "lib"), { recursive: true });
for (const file of ["signalr.min.js", "signalr.min.js.map"]) {
  const from = join(signalrBrowser, file);
  if (await exists(from)) {
    await cp(from, join(output, "lib", file));
  }
}

await cp(join(msalBrowser, "msal-browser.min.js"), join(output, "lib", "msal-browser.min.js"));
// What the redirect URI runs inside MSAL's hidden renewal frame: hands the answer to the page.
await cp(join(msalBrowser, "redirect-bridge", "msal-redirect-bridge.min.js"), join(output, "lib", "msal-redirect-bridge.min.js"));

console.log(`web client built into ${output}`);
