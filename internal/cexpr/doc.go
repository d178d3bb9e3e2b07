// Package cexpr is the project's one engine for C expressions: #if in the
// preprocessor (cstruct/internal/cparse), constants and array lengths
// (cstruct), and the line descriptions of atop/parseable.
//
// # Parsing
//
// One grammar (parse.go) parses C's expressions without assignment,
// increment and the comma operator: ?:, the binary operators with C's
// precedence, - + ! ~, casts, sizeof and _Alignof, offsetof, postfix
// .name ->name [i] and calls f(a, b), literals, names and parentheses.
// Parse reads text with the package's own lexer; ParseTokens reads the
// tokens of another lexer; and Expr is a participle.Parseable, so that a
// participle grammar with any C-like lexer embeds it as `@@`.
//
// # Checking
//
// Check gives every node its C type under a Profile and a Host. The types
// are C's integers (1 to 64 bits, signed or not), float, double, text,
// and the host's opaque kinds (a struct, a list). The integer promotions
// and the usual arithmetic conversions are made explicit once; constants
// are folded; comparisons of unsigned operands are unsigned; division
// truncates toward zero.
//
// The host resolves what C leaves to the environment (names, members and
// indexes of host kinds, calls, type names, sizeof, offsetof) and returns
// operands: constants, which are folded, or closures of a static type
// over the caller's frame type F. &&, || and ?: evaluate only the operand
// they need, and a call's arguments are the host's to evaluate or not.
//
// A Profile is the policy of a use: the width of int (64 where every
// integer is intmax_t), how literals are typed, what out-of-range shifts
// and overflow do, whether text compares and has a truth, whether errors
// wait until evaluated. C, Preprocessor, Lengths and Descriptions are the
// project's uses; Preprocessor gives GCC's results and words, and
// Descriptions gives the results of the interpreter it replaces
// (integers are int64 unless unsigned 64-bit, shifts by count & 63).
//
// An error in a part of a constant expression that is not evaluated (the
// arm of ?: not taken, the right side of a decided &&) is no error: it
// fails only where evaluated.
//
// # Running
//
// Program.Eval walks the typed tree (what runs once: #if, constants, the
// reference for tests); Program.Operand, Int, Float, Text and Bool are
// closures built once, whose run does no name lookup and no allocation.
// The common shapes of arithmetic are fused into one closure (fuse.go):
// an integer times, plus or minus constants, or the product of two, is
// read inside its user's closure, and so is a constant or an integer
// converted to double in a double operation, so that
// "a * 100 / (b * c)" is one closure calling its three leaves. A host
// may describe a 64-bit leaf as a Load too (IntLoad: an int64 field of
// the frame, WordLoad, or 8 little-endian bytes of a []byte field,
// BytesLoad), which those closures read inline, calling the leaf's
// closure only when the bytes are too short (load.go).
// Errors while a closure runs (a division by zero) go to Host.Fail.
//
// # Limits
//
// Limits bound, once for every use, the nesting of every recursive
// production (so that neither the parser nor the checker nor the
// evaluators can overflow the stack: 400 000 "!" give "nesting too deep"),
// the size of a syntax tree, and the cost of a Check including what hosts
// inline.
package cexpr
