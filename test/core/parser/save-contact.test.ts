import { describe, expect, it } from 'vitest';
import { readSaveContact } from '../../../src/core/parser/index.js';

describe('readSaveContact', () => {
  it.each([
    ['save Bob as +15551234567', { name: 'Bob', address: { kind: 'phone', raw: '+15551234567' } }],
    ['please save bob as 555 123 4567', { name: 'bob', address: { kind: 'phone', raw: '555 123 4567' } }],
    ["save bob's email as bob@x.com", { name: 'bob', address: { kind: 'email', raw: 'bob@x.com' }, channel: 'email' }],
    ["save mum's whatsapp as +447700900123", { name: 'mum', address: { kind: 'phone', raw: '+447700900123' }, channel: 'wa' }],
    ['add contact Mary Ann +15551234567', { name: 'Mary Ann', address: { kind: 'phone', raw: '+15551234567' } }],
    ['save alice as @alice_tg', { name: 'alice', address: { kind: 'handle', raw: '@alice_tg' } }],
    ['save dad as +15551234567 on whatsapp', { name: 'dad', address: { kind: 'phone', raw: '+15551234567' }, channel: 'wa' }],
    ['add erosser@hotmail.com as a new contact for emily rosser', { name: 'emily rosser', address: { kind: 'email', raw: 'erosser@hotmail.com' } }],
  ])('%s', (text, expected) => {
    expect(readSaveContact(text, 'US')).toMatchObject(expected);
  });

  it.each(['save the email to my contact', 'add this email to my contacts', 'save to contacts', 'new message to bob@x.com', 'text bob as soon as you can'])(
    'is not a save command: %s',
    (text) => {
      expect(readSaveContact(text, 'US')).toBeNull();
    },
  );
});
