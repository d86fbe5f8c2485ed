import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import madge from 'madge';
import * as prettier from 'prettier';
import { afterEach, describe, expect, it } from 'vitest';

// `npm test` runs `npm run lint` (eslint, prettier --check, madge) before the tests and fails on
// a violation; these tests show that each of its rules is in force on the project's own config.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });
const rulesOf = async (code: string, filePath: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
};
const lines = (n: number, line: (i: number) => string): string => Array.from({ length: n }, (_, i) => line(i)).join('\n');

describe('lint: the rules npm test enforces', { timeout: 60_000 }, () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('refuses a product source file over 300 lines, and allows it in a test', async () => {
    const code = `${lines(301, (i) => `export const v${i} = ${i};`)}\n`;
    expect(await rulesOf(code, 'core/too-long.ts')).toContain('max-lines');
    expect(await rulesOf(`${lines(300, (i) => `export const v${i} = ${i};`)}\n`, 'core/just-right.ts')).not.toContain('max-lines');
    expect(await rulesOf(code, 'test/unit/too-long.test.ts')).not.toContain('max-lines');
  });

  it('refuses a function over 80 lines in product source', async () => {
    const body = (n: number): string =>
      `export function f(): number {\n  let x = 0;\n${lines(n - 4, (i) => `  x += ${i};`)}\n  return x;\n}\n`;
    expect(await rulesOf(body(81), 'ingest/long-function.ts')).toContain('max-lines-per-function');
    expect(await rulesOf(body(80), 'ingest/short-function.ts')).not.toContain('max-lines-per-function');
  });

  it("reports typescript-eslint's recommended rules", async () => {
    expect(await rulesOf('const unused = 1;\nexport const y: any = 2;\n', 'core/sloppy.ts')).toEqual(
      expect.arrayContaining(['@typescript-eslint/no-unused-vars', '@typescript-eslint/no-explicit-any']),
    );
  });

  it('prettier --check fails on unformatted code and passes the formatted form', async () => {
    const options = { ...(await prettier.resolveConfig(join(ROOT, 'core/x.ts'))), filepath: join(ROOT, 'core/x.ts') };
    const ugly = 'export const f = ( a:number )=>{ return a+1 }\n';
    expect(await prettier.check(ugly, options)).toBe(false);
    expect(await prettier.check(await prettier.format(ugly, options), options)).toBe(true);
  });

  it('madge finds an import cycle made only of type imports, and none without it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-cycle-'));
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    await writeFile(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport interface A { b?: B }\n");
    await writeFile(join(dir, 'b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\n");
    await writeFile(join(dir, 'c.ts'), "import type { A } from './a.js';\nexport type C = A;\n");
    const graph = await madge(dir, { fileExtensions: ['ts'], tsConfig: join(dir, 'tsconfig.json') });
    expect(graph.circular()).toEqual([['a.ts', 'b.ts']]);
  });
});
