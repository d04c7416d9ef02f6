// A .js source is checked like a .ts one; tests are outside the table.
const helpers = require('../../test/helpers'); // violates: require
module.exports = { helpers };
