// Package duckdbtest loads cstruct's exports into a real DuckDB. It is a
// module of its own, so that the users of cstruct never download DuckDB.
package duckdbtest
