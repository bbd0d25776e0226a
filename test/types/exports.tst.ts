import type { FastifyError } from '@fastify/error'
import type { FastifyPluginAsync } from 'fastify'
import { expect, test } from 'tstyche'
import temporaryResponse, {
  FST_TEMP_RESPONSE_ALREADY_REGISTERED,
  FST_TEMP_RESPONSE_ALREADY_SENT,
  FST_TEMP_RESPONSE_FORBIDDEN_HEADER,
  FST_TEMP_RESPONSE_INVALID_COOKIE_NAME,
  FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION,
  FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE,
  FST_TEMP_RESPONSE_INVALID_HEADER_NAME,
  FST_TEMP_RESPONSE_INVALID_HEADER_VALUE,
  FST_TEMP_RESPONSE_INVALID_OPTION,
  FST_TEMP_RESPONSE_INVALID_RESPONSE,
  FST_TEMP_RESPONSE_INVALID_STATUS_CODE,
  FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER,
  fastifyTemporaryResponse,
  TemporaryResponse
} from '../../plugin/index.ts'
import type * as Package from '../../plugin/index.ts'
import type {
  ClearCookieOptions,
  CookieOptions,
  FastifyTemporaryResponseOptions,
  TemporaryHeaders,
  TemporaryResponseRouteOptions
} from '../../plugin/index.ts'

test('the default and the named export are the same plugin', () => {
  expect(temporaryResponse).type.toBe(fastifyTemporaryResponse)
  expect(temporaryResponse).type.toBe<FastifyPluginAsync<FastifyTemporaryResponseOptions>>()
})

test('the public types are exported', () => {
  expect<Package.TemporaryResponse>().type.toBe<TemporaryResponse>()
  expect<Package.TemporaryHeaders>().type.toBe<TemporaryHeaders>()
  expect<Package.CookieOptions>().type.toBe<CookieOptions>()
  expect<Package.ClearCookieOptions>().type.toBe<ClearCookieOptions>()
  expect<Package.FastifyTemporaryResponseOptions>().type.toBe<FastifyTemporaryResponseOptions>()
  expect<Package.TemporaryResponseRouteOptions>().type.toBe<TemporaryResponseRouteOptions>()
})

test('TemporaryResponse is exported as a class', () => {
  expect(TemporaryResponse).type.toBeConstructableWith()
  expect(new TemporaryResponse()).type.toBe<TemporaryResponse>()
})

test('error constructors are exported and build coded FastifyErrors', () => {
  const err = new FST_TEMP_RESPONSE_INVALID_HEADER_NAME('x')
  expect(err.code).type.toBeAssignableTo<string>()
  expect(err.code).type.toBe<'FST_TEMP_RESPONSE_INVALID_HEADER_NAME'>()
  expect(err).type.toBeAssignableTo<FastifyError>()
  expect(err).type.toBeAssignableTo<Error>()
  expect(err.statusCode).type.toBeAssignableTo<number | undefined>()
  expect(FST_TEMP_RESPONSE_INVALID_HEADER_NAME).type.toBeCallableWith('x')
})

test('every error code is a literal type', () => {
  expect(new FST_TEMP_RESPONSE_ALREADY_REGISTERED().code).type.toBe<'FST_TEMP_RESPONSE_ALREADY_REGISTERED'>()
  expect(new FST_TEMP_RESPONSE_ALREADY_SENT('setCookie()').code).type.toBe<'FST_TEMP_RESPONSE_ALREADY_SENT'>()
  expect(new FST_TEMP_RESPONSE_FORBIDDEN_HEADER('te').code).type.toBe<'FST_TEMP_RESPONSE_FORBIDDEN_HEADER'>()
  expect(new FST_TEMP_RESPONSE_INVALID_COOKIE_NAME('a').code).type.toBe<'FST_TEMP_RESPONSE_INVALID_COOKIE_NAME'>()
  expect(new FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION('a', 'b').code).type.toBe<'FST_TEMP_RESPONSE_INVALID_COOKIE_OPTION'>()
  expect(new FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE('a').code).type.toBe<'FST_TEMP_RESPONSE_INVALID_COOKIE_VALUE'>()
  expect(new FST_TEMP_RESPONSE_INVALID_HEADER_VALUE('x').code).type.toBe<'FST_TEMP_RESPONSE_INVALID_HEADER_VALUE'>()
  expect(new FST_TEMP_RESPONSE_INVALID_OPTION('a', 'b', 'c').code).type.toBe<'FST_TEMP_RESPONSE_INVALID_OPTION'>()
  expect(new FST_TEMP_RESPONSE_INVALID_RESPONSE(200).code).type.toBe<'FST_TEMP_RESPONSE_INVALID_RESPONSE'>()
  expect(new FST_TEMP_RESPONSE_INVALID_STATUS_CODE('1000').code).type.toBe<'FST_TEMP_RESPONSE_INVALID_STATUS_CODE'>()
  expect(new FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER('sid').code).type.toBe<'FST_TEMP_RESPONSE_MISSING_COOKIE_SIGNER'>()
})
