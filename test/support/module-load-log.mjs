// `node --import <this file>`: prints every module URL the process loads to stderr as `module-load <url>`,
// so a test can see which modules a command pulls in.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent('export async function load(url, context, next) { process.stderr.write("module-load " + url + "\\n"); return next(url, context); }')}`,
);
