// Reading what staff type on the complaint page: a payment's amount in pounds and pence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { penceOf } from './staff.routes.ts';

describe('a remedy payment as typed', () => {
  it('is pounds, or pounds and pence, with or without a pound sign and thousands commas', () => {
    assert.equal(penceOf('50'), 5000);
    assert.equal(penceOf('50.00'), 5000);
    assert.equal(penceOf(' £1,250.50 '), 125_050);
    assert.equal(penceOf('0.99'), 99);
  });

  it('is not a number for anything else: one pence digit, letters, a minus sign, nothing', () => {
    for (const text of ['50.5', 'fifty', '-50', '', '£', '50.001', '1e3']) assert.ok(Number.isNaN(penceOf(text)), text);
  });
});
