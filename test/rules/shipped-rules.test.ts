import { it, expect } from 'vitest'
import { loadRulesDir, formatProblem } from '../../src/rules/load.js'
import { buildEngine } from '../../src/engine/engine.js'
import { checkEngine } from '../../src/engine/check.js'
import { classifierFallback } from '../../src/matching/classifier.js'
import { DEMO_RULES } from '../helpers/build.js'

// Rule regression: every shipped rule's examples fire it and its not_examples do not — judged by
// the engine the server runs with the classifier on (CLASSIFIER=true: the stricter case, since an
// example only the classifier answers must fail) and `shop-autoreply check` uses, so that
// npm test and check never disagree.
it('every example of the shipped rules fires its rule, and no not_example does', async () => {
  const { shops, problems } = await loadRulesDir(DEMO_RULES)
  expect(problems.map(formatProblem)).toEqual([])
  for (const rules of shops.values()) {
    const report = checkEngine(buildEngine(rules, [classifierFallback()]))
    expect(report.examples).toBeGreaterThan(100)
    expect(report.failures.map((f) => `${f.file}:${f.line} [${f.ruleId}] ${f.kind} "${f.text}" → ${f.got}`)).toEqual([])
  }
})
