import { describe, expect, it } from 'vitest';
import { openApiV2Protobuf } from '../index.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('OpenAPI v2 protobuf encoding', () => {
  it('writes the document header as gnostic fields 1 (swagger) and 2 (info: title, version)', () => {
    expect(hex(openApiV2Protobuf({ swagger: '2.0', info: { title: 'T', version: 'v' } }))).toBe('0a03322e30' + '1206' + '0a0154' + '120176');
  });

  it('writes a definition with its type, properties and vendor extensions as YAML-compatible JSON', () => {
    const bytes = openApiV2Protobuf({ definitions: { D: { type: 'object', 'x-k': [1] } } });
    // definitions(9) { NamedSchema(1) { name(1) "D", value(2) Schema { type(22) TypeItem { "object" }, ext(31) { name "x-k", Any { yaml(2) "[1]" } } } } }
    const typeItem = '0a066f626a656374';
    const schema = `b201${(typeItem.length / 2).toString(16).padStart(2, '0')}${typeItem}` + 'fa010c' + '0a03782d6b' + '1205' + '1203' + '5b315d';
    const named = '0a0144' + `12${(schema.length / 2).toString(16)}${schema}`;
    const definitions = `0a${(named.length / 2).toString(16)}${named}`;
    expect(hex(bytes)).toBe(`4a${(definitions.length / 2).toString(16)}${definitions}`);
  });
});
