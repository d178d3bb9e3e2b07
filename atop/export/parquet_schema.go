package export

import (
	"reflect"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// parquet-go's Group orders its fields by name; a Parquet file of an
// export keeps the order of the CSV header, so its root is an ordered
// group of its own.

type orderedGroup []parquet.Field

func (g orderedGroup) ID() int                              { return 0 }
func (g orderedGroup) String() string                       { return parquet.Group{}.String() }
func (g orderedGroup) Type() parquet.Type                   { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool                       { return false }
func (g orderedGroup) Repeated() bool                       { return false }
func (g orderedGroup) Required() bool                       { return true }
func (g orderedGroup) Leaf() bool                           { return false }
func (g orderedGroup) Fields() []parquet.Field              { return g }
func (g orderedGroup) Encoding() encoding.Encoding          { return nil }
func (g orderedGroup) Compression() compress.Codec          { return nil }
func (g orderedGroup) GoType() reflect.Type                 { return reflect.TypeFor[map[string]any]() }
func (f namedField) Name() string                           { return f.name }
func (f namedField) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

type namedField struct {
	parquet.Node
	name string
}

// parquetNode is the optional leaf of a Column type.
func parquetNode(typ string) parquet.Node {
	var n parquet.Node
	switch typ {
	case TypeBigint:
		n = parquet.Int(64)
	case TypeUbigint:
		n = parquet.Uint(64)
	case TypeDouble:
		n = parquet.Leaf(parquet.DoubleType)
	case TypeBoolean:
		n = parquet.Leaf(parquet.BooleanType)
	case TypeTimestamp:
		n = parquet.Timestamp(parquet.Microsecond)
	default:
		n = parquet.String()
	}
	return parquet.Optional(n)
}

// parquetSchema is the schema of rows of these columns.
func parquetSchema(cols []Column) *parquet.Schema {
	g := make(orderedGroup, len(cols))
	for i, c := range cols {
		g[i] = namedField{parquetNode(c.Type), c.Name}
	}
	return parquet.NewSchema("atop", g)
}
