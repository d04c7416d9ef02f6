/**
 * npm run coverage:tables: the coverage table of every reference layer's default audit (checkLayer
 * with its defaults: 200 runs per column, seed 1), as docs/coverage.md shows them. Prints markdown.
 */
import { checkLayer } from '../src/check';
import { layers } from '../src/layers';
import { renderCoverageText } from '../src/report/coverage';

async function main(): Promise<void> {
  for (const layer of Object.values(layers)) {
    const report = await checkLayer(layer);
    console.log(`### ${layer.name}\n\n\`\`\`\n${renderCoverageText(report).trimEnd()}\n\`\`\`\n`);
  }
}

void main();
