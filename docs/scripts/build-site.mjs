// Writes the site to docs/dist: one HTML file per page plus the stylesheet.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docsRoot, listPages, renderPage } from './site.mjs';

const out = join(docsRoot, 'dist');
mkdirSync(out, { recursive: true });
const pages = listPages();
for (const page of pages) writeFileSync(join(out, `${page.slug}.html`), renderPage(page, pages));
copyFileSync(join(docsRoot, 'style.css'), join(out, 'style.css'));
console.error(`docs: ${pages.length} pages written to ${out}`);
