// The documentation site as data: its pages, the examples they embed, and the HTML each
// page becomes. Examples are the packages' own `examples/*.mjs` files, so the code on the
// site is the code the test suite runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';

export const docsRoot = new URL('..', import.meta.url).pathname;
export const repoRoot = join(docsRoot, '..');
const pagesDir = join(docsRoot, 'pages');

/** `<!-- example: packages/x/examples/y.mjs -->` embeds that file as a code block. */
const exampleDirective = /<!--\s*example:\s*(\S+)\s*-->/g;

/** The pages in navigation order: files are named `NN-slug.md`. */
export function listPages() {
  return readdirSync(pagesDir)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => {
      const source = readFileSync(join(pagesDir, file), 'utf8');
      const slug = file.replace(/^\d+-/, '').replace(/\.md$/, '');
      const title = /^#\s+(.+)$/m.exec(source)?.[1] ?? slug;
      return { file, slug, title, source, examples: [...source.matchAll(exampleDirective)].map((m) => m[1]) };
    });
}

/** Every runnable example in the repository: `packages/<name>/examples/*.mjs`. */
export function listExamples() {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir)
    .filter((name) => existsSync(join(packagesDir, name, 'examples')))
    .flatMap((name) =>
      readdirSync(join(packagesDir, name, 'examples'))
        .filter((file) => file.endsWith('.mjs'))
        .map((file) => `packages/${name}/examples/${file}`),
    )
    .sort();
}

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Renders one page to a complete HTML document with the site's navigation. */
export function renderPage(page, pages) {
  // Examples go in after markdown rendering, so their code is never read as markdown.
  const body = marked.parse(page.source).replace(exampleDirective, (_, path) => {
    const file = join(repoRoot, path);
    if (!existsSync(file)) throw new Error(`${page.file} embeds ${path}, which does not exist`);
    return `<figure class="example"><figcaption>${path}</figcaption><pre><code class="language-js">${escapeHtml(
      readFileSync(file, 'utf8'),
    )}</code></pre></figure>`;
  });
  const nav = pages
    .map((p) => {
      const label = p.slug === 'index' ? 'Overview' : p.title;
      return `<a href="${p.slug}.html"${p === page ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Spindle</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<nav><strong>Spindle</strong>
${nav}
</nav>
<main>
${body}
</main>
</body>
</html>
`;
}
