// webernetes ships ES modules with extensionless relative imports (written
// for bundlers); Node needs the file named. This hook tries `.js` and
// `/index.js` when a relative specifier does not resolve as written.
import { register } from "node:module";

const hooks = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const missing = ["ERR_MODULE_NOT_FOUND", "ERR_UNSUPPORTED_DIR_IMPORT"];
    if (!missing.includes(error?.code) || !specifier.startsWith(".")) throw error;
    for (const suffix of [".js", "/index.js"]) {
      try {
        return await next(specifier + suffix, context);
      } catch {}
    }
    throw error;
  }
}`;

register("data:text/javascript," + encodeURIComponent(hooks), import.meta.url);
