// Builds the stylesheet (Sass) and the script (esbuild) into build/assets with fingerprinted
// names, so they can be cached for a year. The build is skipped when nothing that goes into it
// has changed, and is written to a temporary directory then moved into place, so two processes
// starting at once cannot leave half a build.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = path.join(PROJECT_ROOT, 'assets');
const BUILD_FORMAT = 1;

export interface AssetManifest {
  key: string;
  /** Logical name (e.g. `application.css`) to public path (`/assets/application-1a2b3c4d.css`). */
  files: Record<string, string>;
}

export function defaultAssetsDirectory(): string {
  return path.join(PROJECT_ROOT, 'build', 'assets');
}

export async function ensureAssetsBuilt(outDir = defaultAssetsDirectory()): Promise<AssetManifest> {
  const key = inputKey();
  const existing = readManifest(outDir);
  if (existing?.key === key) return existing;

  const temporary = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  fs.rmSync(temporary, { recursive: true, force: true });
  fs.mkdirSync(temporary, { recursive: true });
  try {
    const files: Record<string, string> = {};
    files['application.css'] = writeFingerprinted(temporary, 'application.css', await compileStylesheet());
    files['application.js'] = writeFingerprinted(temporary, 'application.js', await bundleScript('application.js'));
    // Only pages with a map load it: most residents never need Leaflet's weight.
    files['map.js'] = writeFingerprinted(temporary, 'map.js', await bundleScript('map.js'));
    // Only the waiting area's screen polls for the tickets called.
    files['queue-display.js'] = writeFingerprinted(temporary, 'queue-display.js', await bundleScript('queue-display.js'));
    // Only the live performance dashboard refreshes its figures by itself.
    files['performance-dashboard.js'] = writeFingerprinted(
      temporary,
      'performance-dashboard.js',
      await bundleScript('performance-dashboard.js'),
    );
    for (const image of fs.readdirSync(path.join(SOURCE, 'images'))) {
      const content = fs.readFileSync(path.join(SOURCE, 'images', image));
      files[`images/${image}`] = writeFingerprinted(temporary, `images/${image}`, content);
    }
    const manifest: AssetManifest = { key, files };
    fs.writeFileSync(path.join(temporary, 'manifest.json'), JSON.stringify(manifest, null, 2));
    replaceDirectory(temporary, outDir);
    return manifest;
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    // Another process may have finished the same build first.
    const built = readManifest(outDir);
    if (built?.key === key) return built;
    throw error;
  }
}

function readManifest(outDir: string): AssetManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as AssetManifest;
  } catch {
    return undefined;
  }
}

/** A hash of every source file and of the versions of the packages that build them. */
function inputKey(): string {
  const hash = crypto.createHash('sha256').update(String(BUILD_FORMAT));
  for (const file of listFiles(SOURCE).sort()) {
    hash.update(file).update(fs.readFileSync(file));
  }
  for (const name of ['govuk-frontend', '@ministryofjustice/frontend', 'sass', 'esbuild']) {
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    hash.update(`${name}@${manifest.version}`);
  }
  return hash.digest('hex');
}

function listFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

async function compileStylesheet(): Promise<string> {
  const sass = await import('sass');
  const result = await sass.compileAsync(path.join(SOURCE, 'scss', 'application.scss'), {
    loadPaths: [PROJECT_ROOT],
    style: 'compressed',
    logger: {
      // GOV.UK and MOJ Frontend's own deprecation notices are theirs to fix; ours are shown.
      warn(message, options) {
        const origin = `${options.span?.url?.pathname ?? ''} ${options.stack ?? ''}`;
        if (!origin.includes('node_modules/')) console.warn(`Sass: ${message}`);
      },
    },
  });
  return result.css;
}

async function bundleScript(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(SOURCE, 'js', entry)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function writeFingerprinted(directory: string, logicalName: string, content: string | Buffer): string {
  const digest = crypto.createHash('sha256').update(content).digest('hex').slice(0, 12);
  const extension = path.extname(logicalName);
  const name = `${logicalName.slice(0, -extension.length)}-${digest}${extension}`;
  fs.mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
  fs.writeFileSync(path.join(directory, name), content);
  return `/assets/${name}`;
}

function replaceDirectory(from: string, to: string): void {
  const old = `${to}.old-${process.pid}-${Date.now()}`;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (fs.existsSync(to)) fs.renameSync(to, old);
  try {
    fs.renameSync(from, to);
  } finally {
    fs.rmSync(old, { recursive: true, force: true });
  }
}
