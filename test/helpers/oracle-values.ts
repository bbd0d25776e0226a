import fc from 'fast-check'
import type { Shape } from './oracle-shapes.ts'

/** Planted where a value must never be sent: undeclared properties, hidden toString() results, second reads. */
export const SECRET = 'zq-SECRET-4f1d'
/** What a Date's overridden methods answer: Date's own methods must be read instead. */
export const PLANTED_DATE = '1999-09-09T09:09:09.999Z'
export const secrets = [SECRET, PLANTED_DATE]

export type DateTwist = 'plain' | 'ownToISOString' | 'ownToJSON' | 'subclass' | 'invalid'

/**
 * How to build one returned value, as plain data, so fast-check can print it and every request
 * builds a fresh live value (getters count their reads per request).
 */
export type Recipe =
  | { t: 'json', v: unknown }
  | { t: 'object', entries: Array<[key: string, recipe: Recipe, how: 'own' | 'getter']>, extra: Array<[string, Recipe]>, proxy: boolean, klass: boolean }
  | { t: 'array', items: Recipe[], holes: number[] }
  | { t: 'toJSON', result: Recipe }
  | { t: 'arrayToJSON', result: Recipe, hidden: number }
  | { t: 'stringish' }
  | { t: 'numberish', n: number }
  | { t: 'boxedBoolean', v: boolean }
  | { t: 'date', ms: number, twist: DateTwist }
  | { t: 'momentish' }

/** A getter, a Proxy trap or a toJSON() of the value: how often it ran, and whether a 2xx must have run it. */
export interface ReadCounter {
  label: string
  count: number
  /**
   * False for a class instance's prototype getters (and the Proxy trap of their names): read by
   * name they are sent, but a model that reads own keys only, as JSON.stringify does, may skip an
   * optional one consistently.
   */
  mustRun: boolean
}

const dates = fc.integer({ min: 0, max: 4102444800000 })
const emails = fc.constantFrom('a@example.com', 'user.name+tag@example.org', 'x@sub.example.co')

/** A value the shape accepts, as plain JSON. */
export function validPlain (shape: Shape): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case 'object': {
      const props = Object.fromEntries(Object.entries(shape.props).map(([key, value]) => [key, validPlain(value)]))
      const requiredKeys = Object.keys(shape.props).filter(key => !shape.optional?.includes(key))
      return fc.record(props, { requiredKeys })
    }
    case 'array': return fc.array(validPlain(shape.items), { maxLength: 3 })
    case 'integer': return fc.integer({ min: -1000, max: shape.maximum ?? 1000 })
    case 'number': {
      const { multipleOf } = shape
      if (multipleOf === undefined) return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
      // Small multiples, which floating-point division often misses (0.07 / 0.01), and large ones.
      return fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1e9, max: 1e9 })).map(n => n * multipleOf)
    }
    case 'string':
      if (shape.format === 'email') return emails
      return shape.format === 'date-time' ? dates.map(ms => new Date(ms).toISOString()) : fc.string({ maxLength: 8 })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'union': return fc.oneof(...shape.of.map(validPlain))
    case 'enum': return fc.constantFrom(...shape.values)
  }
}

const wrongPlain: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(1.5), fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({})
)

type Weighted = Array<fc.WeightedArbitrary<Recipe>>

function objectRecipe (shape: Extract<Shape, { kind: 'object' }>, depth: number): fc.Arbitrary<Recipe> {
  const entries = Object.entries(shape.props).map(([key, value]) => fc.record({
    include: shape.optional?.includes(key) ? fc.boolean() : fc.constant(true),
    recipe: recipeFor(value, depth - 1),
    how: fc.constantFrom<'own' | 'getter'>('own', 'own', 'getter')
  }).map(({ include, recipe, how }) => include ? [[key, recipe, how] as [string, Recipe, 'own' | 'getter']] : []))
  const undeclared: Array<[string, Recipe]> = [['password', { t: 'json', v: SECRET }], ['apiKey', { t: 'stringish' }], ['X-upper', { t: 'json', v: SECRET }]]
  const patterned = shape.pattern === undefined ? [] : [fc.record({ key: fc.constantFrom('x-a', 'x-env'), recipe: recipeFor(shape.pattern[1], depth - 1) })]
  return fc.record({
    entries: fc.tuple(...entries).map(list => list.flat()),
    extra: fc.tuple(fc.subarray(undeclared), ...patterned).map(([fixed, ...pattern]) =>
      [...fixed, ...pattern.map(({ key, recipe }) => [key, recipe] as [string, Recipe])]),
    proxy: fc.boolean(),
    klass: fc.boolean()
  }).map(parts => ({ t: 'object', ...parts }))
}

function arrayRecipes (shape: Extract<Shape, { kind: 'array' }>, depth: number): Weighted {
  const items = fc.array(recipeFor(shape.items, depth - 1), { maxLength: 3 })
  return [
    { weight: 3, arbitrary: fc.record({ items, holes: fc.array(fc.nat(3), { maxLength: 2 }) }).map(parts => ({ t: 'array', ...parts })) },
    { weight: 1, arbitrary: fc.record({ result: recipeFor(shape, depth - 1), hidden: fc.integer({ min: 1, max: 2 }) }).map(parts => ({ t: 'arrayToJSON', ...parts })) }
  ]
}

/** The hostile values that make sense where the shape declares a primitive or a structure. */
function hostile (shape: Shape, depth: number): Weighted {
  switch (shape.kind) {
    case 'object': return [{ weight: 6, arbitrary: objectRecipe(shape, depth) }]
    case 'array': return arrayRecipes(shape, depth)
    case 'integer': return [{ weight: 2, arbitrary: fc.constantFrom(1234567, 3).map(n => ({ t: 'numberish', n })) }]
    case 'string': return shape.format === 'date-time'
      ? [
          { weight: 3, arbitrary: fc.record({ ms: dates, twist: fc.constantFrom<DateTwist>('plain', 'ownToISOString', 'ownToJSON', 'subclass', 'invalid') }).map(parts => ({ t: 'date', ...parts })) },
          { weight: 1, arbitrary: fc.constant({ t: 'momentish' }) },
          { weight: 1, arbitrary: fc.constant({ t: 'stringish' }) }
        ]
      : [{ weight: 1, arbitrary: fc.constant({ t: 'stringish' }) }, { weight: 1, arbitrary: fc.constant({ t: 'json', v: 42 }) }]
    case 'boolean': return [{ weight: 2, arbitrary: fc.boolean().map(v => ({ t: 'boxedBoolean', v })) }]
    // -0 (sent as 0), and what floating-point division makes of multiples.
    case 'number': return [{ weight: 2, arbitrary: fc.constantFrom(-0, 0.07, 19.99, 1.00000000001, 799576780.75).map(v => ({ t: 'json', v })) }]
    case 'enum': return shape.values.includes(true) ? [{ weight: 2, arbitrary: fc.boolean().map(v => ({ t: 'boxedBoolean', v })) }] : []
    case 'union': return shape.of.flatMap(of => hostile(of, depth))
    default: return []
  }
}

/** Plain data, mostly valid, mixed with hostile values, down to a bounded depth. */
export function recipeFor (shape: Shape, depth: number = 3): fc.Arbitrary<Recipe> {
  const plain: Weighted = [
    { weight: 6, arbitrary: validPlain(shape).map(v => ({ t: 'json', v })) },
    { weight: 1, arbitrary: wrongPlain.map(v => ({ t: 'json', v })) }
  ]
  if (depth <= 0) return fc.oneof(...plain)
  return fc.oneof(...plain, { weight: 1, arbitrary: recipeFor(shape, depth - 1).map(result => ({ t: 'toJSON', result })) }, ...hostile(shape, depth))
}

/** The hostile ingredients of a recipe, for grouping failures by what caused them. */
export function ingredients (recipe: Recipe, found: Set<string> = new Set()): Set<string> {
  switch (recipe.t) {
    case 'json': break
    case 'object':
      if (recipe.proxy) found.add('Proxy')
      if (recipe.klass) found.add('class instance')
      for (const [, child, how] of recipe.entries) {
        if (how === 'getter') found.add('getter')
        ingredients(child, found)
      }
      for (const [key, child] of recipe.extra) {
        found.add(key.startsWith('x-') ? 'patternProperties' : 'undeclared')
        ingredients(child, found)
      }
      break
    case 'array':
      if (recipe.holes.length > 0) found.add('holes')
      for (const item of recipe.items) ingredients(item, found)
      break
    case 'toJSON':
    case 'arrayToJSON':
      found.add(recipe.t)
      ingredients(recipe.result, found)
      break
    case 'date': found.add(`Date ${recipe.twist}`); break
    default: found.add(recipe.t)
  }
  return found
}
