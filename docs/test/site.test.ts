import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without declarations
import { listExamples, listPages, renderPage } from '../scripts/site.mjs';

interface Page {
  file: string;
  slug: string;
  title: string;
  examples: string[];
}

const pages: Page[] = listPages();

describe('documentation site', () => {
  it('starts with an index page and gives every page a title', () => {
    expect(pages[0]?.slug).toBe('index');
    for (const page of pages) expect(page.title, page.file).not.toBe(page.slug);
  });

  it('embeds every example of every package somewhere', () => {
    const embedded = new Set(pages.flatMap((page) => page.examples));
    const missing = (listExamples() as string[]).filter((path) => !embedded.has(path));
    expect(missing).toEqual([]);
  });

  it('renders each page with its examples inline and links that resolve', () => {
    const slugs = new Set(pages.map((page) => `${page.slug}.html`));
    for (const page of pages) {
      const html: string = renderPage(page, pages);
      for (const example of page.examples) expect(html).toContain(`<figcaption>${example}</figcaption>`);
      for (const [, href] of html.matchAll(/href="([^"#:]+\.html)"/g))
        expect(slugs.has(href!), `${page.file} → ${href}`).toBe(true);
    }
  });
});
