// First step of `npm start`: Electron 45 downloads its binary at first start and needs Node >= 22.12 for it (its
// `engines`), and @electron/rebuild needs the same. Older Node fails there with errors that do not say so; this says it.
// Plain old JavaScript with no import or export, so any Node version gets as far as printing the message.
// PALLET_CHECK_NODE_VERSION fakes the running version (tests).
/* global process, console */

var REQUIRED = [22, 12, 0];

function parse(version) {
  var parts = String(version).replace(/^v/, '').split('.');
  return [0, 1, 2].map(function (i) {
    var n = parseInt(parts[i] || '0', 10);
    return isNaN(n) ? 0 : n;
  });
}

function atLeast(have, need) {
  for (var i = 0; i < need.length; i++) {
    if (have[i] !== need[i]) return have[i] > need[i];
  }
  return true;
}

var running = process.env.PALLET_CHECK_NODE_VERSION || process.versions.node;
if (!atLeast(parse(running), REQUIRED)) {
  console.error(
    "Pallet's `npm start` needs Node ≥ 22.12 (Electron 45 downloads its binary at first start and requires it); " +
      'you have v' +
      String(running).replace(/^v/, '') +
      '. Install Node 22 LTS from https://nodejs.org and run npm start again.',
  );
  process.exit(1);
}
