// The published packages as a user gets them: each one packed once with `pnpm pack` (run
// after `pnpm build`), unpacked to read what the tarball holds, and all of them installed
// from their tarballs into one project outside the monorepo.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { listPackages, root } from '../../scripts/lib/workspace.mjs';

/** Packs and installs every published package; `remove()` deletes it all again. */
export function packAndInstall() {
  const scratch = mkdtempSync(join(os.tmpdir(), 'spindle-packaging-'));
  const packages = listPackages().map((pkg) => {
    const tarball = pack(pkg.dir, join(scratch, 'tarballs', pkg.folder));
    const unpacked = join(scratch, 'unpacked', pkg.folder);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['xzf', tarball, '-C', unpacked]);
    return { name: pkg.manifest.name, tarball, contents: join(unpacked, 'package') };
  });
  const project = join(scratch, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "packaging-check", "private": true }\n');
  // The tarballs depend only on each other, so the install needs no registry.
  const tarballs = packages.map((pkg) => pkg.tarball);
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], {
    cwd: project,
    stdio: 'pipe',
  });
  // The packages' types refer to Node's; the project borrows the monorepo's copy.
  mkdirSync(join(project, 'node_modules', '@types'));
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'));
  return { packages, project, remove: () => rmSync(scratch, { recursive: true, force: true }) };
}

function pack(packageDir, destination) {
  mkdirSync(destination, { recursive: true });
  execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir, stdio: 'pipe' });
  const [tarball] = readdirSync(destination).filter((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for ${packageDir}`);
  return join(destination, tarball);
}

/** Every file under `dir`, as paths relative to it with forward slashes. */
export function filesIn(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)).replaceAll('\\', '/'));
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
