/* Proof of work for the public forms (complaints/proof.py), in a Web Worker so the page stays
   responsive while the person writes. Finds a decimal nonce such that
   SHA-256("<salt>:<nonce>") starts with `bits` zero bits, and posts it back.
   The input is at most 45 bytes, so each attempt is one SHA-256 block. */
"use strict";

var K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);
var W = new Uint32Array(64);
var block = new Uint8Array(64);

/* The first 32-bit word of SHA-256 of the 64-byte block (all a single-block message needs). */
function firstWord() {
  var i, x, y;
  for (i = 0; i < 16; i++) {
    W[i] = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
  }
  for (i = 16; i < 64; i++) {
    x = W[i - 15]; y = W[i - 2];
    W[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
           (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + W[i - 7] + W[i - 16];
  }
  var a = 0x6a09e667, b = 0xbb67ae85, c = 0x3c6ef372, d = 0xa54ff53a,
      e = 0x510e527f, f = 0x9b05688c, g = 0x1f83d9ab, h = 0x5be0cd19, t1, t2;
  for (i = 0; i < 64; i++) {
    t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
          ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  return (0x6a09e667 + a) >>> 0;
}

self.onmessage = function (event) {
  var salt = String(event.data.salt), bits = event.data.bits | 0;
  var prefix = salt + ":", i, nonce, digits, length;
  for (i = 0; i < prefix.length; i++) { block[i] = prefix.charCodeAt(i); }
  for (nonce = 0; nonce < 1e12; nonce++) {
    digits = String(nonce);
    length = prefix.length + digits.length;
    for (i = 0; i < digits.length; i++) { block[prefix.length + i] = digits.charCodeAt(i); }
    block[length] = 0x80;
    for (i = length + 1; i < 62; i++) { block[i] = 0; }
    block[62] = (length * 8) >>> 8; block[63] = (length * 8) & 0xff;
    if (bits === 0 || firstWord() >>> (32 - bits) === 0) {
      self.postMessage(digits);
      return;
    }
  }
};
