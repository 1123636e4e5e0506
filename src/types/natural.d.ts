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
