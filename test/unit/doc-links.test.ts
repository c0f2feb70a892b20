import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every relative link of README.md and docs/**/*.md resolves in a clone: to a file or folder
// of the repository and, with a #fragment, to a heading of that file (GitHub's slugs). No
// link leaves the repository.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const markdown = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdown(path) : name.endsWith('.md') ? [path] : [];
  });
const pages = [join(root, 'README.md'), ...markdown(join(root, 'docs'))];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, and
 *  `-1`, `-2` for repeats. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const body = text.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of body.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const slug = heading!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The links of a page, outside code blocks and code spans. */
function links(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('doc links', () => {
  it('finds the pages', () => {
    expect(pages.length).toBeGreaterThan(10);
  });

  it('slugs headings as GitHub does', () => {
    expect(anchors('## The local stack\n## Why `npm start`?\n## The local stack\n')).toEqual(
      new Set(['the-local-stack', 'why-npm-start', 'the-local-stack-1']),
    );
  });

  it.each(pages.map((page) => [relative(root, page), page]))('%s: every link resolves', (_, page) => {
    const text = readFileSync(page, 'utf8');
    const broken: string[] = [];
    for (const link of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:: not in the clone
      const [path, fragment] = link.split('#') as [string, string | undefined];
      const target = path ? resolve(dirname(page), decodeURIComponent(path)) : page;
      if (relative(root, target).startsWith('..')) broken.push(`${link} leaves the repository`);
      else if (!existsSync(target)) broken.push(`${link}: no such file`);
      else if (fragment !== undefined && !anchors(readFileSync(target, 'utf8')).has(fragment))
        broken.push(`${link}: no such heading`);
    }
    expect(broken).toEqual([]);
  });
});
