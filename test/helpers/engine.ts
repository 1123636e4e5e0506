import { loadRulesDir, formatProblem } from '../../src/rules/load.js'
import { buildEngine, type ShopEngine } from '../../src/engine/engine.js'

/** The default shop of a rules directory, compiled; throws with file:line when invalid. */
export async function engineFor (dir: string): Promise<ShopEngine> {
  const { shops, problems } = await loadRulesDir(dir)
  if (problems.length > 0) throw new Error(problems.map(formatProblem).join('\n'))
  return buildEngine(shops.get('default')!)
}
