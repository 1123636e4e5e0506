// natural's deep modules ship no types of their own; we import them by path to avoid its package
// root (which reads .env into process.env and pulls in database clients).
declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  const distances: {
    LevenshteinDistance (a: string, b: string): number
    DamerauLevenshteinDistance (a: string, b: string): number
  }
  export default distances
}

declare module 'chinese-numbers-converter' {
  class ChineseNumber {
    constructor (text: string)
    toInteger (): number
    toArabicString (): string
  }
  export default ChineseNumber
}

declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  /** Fed pre-tokenised documents (string arrays), which bypasses natural's stemmer. */
  class BayesClassifier {
    constructor (stemmer?: unknown, smoothing?: number)
    addDocument (tokens: string[], label: string): void
    train (): void
    getClassifications (tokens: string[]): Array<{ label: string; value: number }>
    classify (tokens: string[]): string
    /** token → document count; its enumeration order numbers the features */
    features: Record<string, number>
    /** apparatus' model: a sparse observation is an object whose values are feature indices */
    classifier: {
      addExample (observation: Record<number, number>, label: string): void
      train (): void
      getClassifications (observation: Record<number, number>): Array<{ label: string; value: number }>
    }
  }
  export default BayesClassifier
}
