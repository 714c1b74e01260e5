using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CartOrders.CosmosServer;

/// <summary>A query the local server cannot parse or does not support: answered 400 BadRequest, as the service answers a syntax error.</summary>
internal sealed class SqlException(string message) : Exception(message);

/// <summary>
/// The subset of the NoSQL query language the local server runs: <c>SELECT [TOP n] * | VALUE e | e [AS a], ...
/// FROM alias [WHERE e] [ORDER BY e [ASC|DESC], ...] [OFFSET n LIMIT m]</c>, with property paths,
/// literals (numbers, strings, booleans, null, arrays, objects), parameters, comparisons, AND/OR/NOT,
/// IN, arithmetic + - * /, and the functions in <see cref="SqlEvaluator"/>. No JOIN, subqueries,
/// GROUP BY, aggregates or DISTINCT.
/// </summary>
internal sealed record SqlQuery(
    int? Top,
    bool SelectStar,
    SqlExpr? SelectValue,
    IReadOnlyList<(SqlExpr Expr, string Alias)> SelectList,
    string Alias,
    SqlExpr? Where,
    IReadOnlyList<(SqlExpr Expr, bool Descending)> OrderBy,
    int? Offset,
    int? Limit)
{
    public static SqlQuery Parse(string text) => new SqlParser(SqlLexer.Tokenize(text)).ParseQuery();
}

internal abstract record SqlExpr;

internal sealed record SqlLiteral(JsonNode? Value, bool Undefined = false) : SqlExpr;

internal sealed record SqlParameter(string Name) : SqlExpr;

internal sealed record SqlRoot(string Name) : SqlExpr;

internal sealed record SqlMember(SqlExpr Target, SqlExpr Key) : SqlExpr;

internal sealed record SqlUnary(string Op, SqlExpr Operand) : SqlExpr;

internal sealed record SqlBinary(string Op, SqlExpr Left, SqlExpr Right) : SqlExpr;

internal sealed record SqlIn(SqlExpr Value, IReadOnlyList<SqlExpr> Items, bool Negated) : SqlExpr;

internal sealed record SqlCall(string Name, IReadOnlyList<SqlExpr> Arguments) : SqlExpr;

internal sealed record SqlArray(IReadOnlyList<SqlExpr> Items) : SqlExpr;

internal sealed record SqlObject(IReadOnlyList<(string Key, SqlExpr Value)> Properties) : SqlExpr;

internal enum TokenKind
{
    Identifier,
    Number,
    String,
    Parameter,
    Symbol,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text)
{
    public bool Is(string keyword) => Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;
}

internal static class SqlLexer
{
    private static readonly string[] s_symbols = ["!=", "<>", "<=", ">=", "||", "=", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "*", "+", "-", "/", "%"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i]));
            }
            else if (c == '@')
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Parameter, text[start..i]));
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.' || text[i] == 'e' || text[i] == 'E'
                    || ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E'))))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i]));
            }
            else if (c is '\'' or '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new SqlException("Syntax error, unterminated string.");
                    }

                    if (text[i] == c)
                    {
                        i++;
                        break;
                    }

                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        var escaped = text[i + 1];
                        if (escaped == 'u' && i + 5 < text.Length)
                        {
                            value.Append((char)int.Parse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                            i += 6;
                            continue;
                        }

                        value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => escaped });
                        i += 2;
                        continue;
                    }

                    value.Append(text[i++]);
                }

                tokens.Add(new Token(TokenKind.String, value.ToString()));
            }
            else
            {
                var symbol = s_symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    ?? throw new SqlException($"Syntax error, unexpected '{c}'.");
                tokens.Add(new Token(TokenKind.Symbol, symbol));
                i += symbol.Length;
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty));
        return tokens;
    }
}

internal sealed class SqlParser(List<Token> tokens)
{
    private static readonly string[] s_reserved = ["SELECT", "FROM", "WHERE", "ORDER", "BY", "AND", "OR", "NOT", "IN", "AS", "ASC", "DESC", "OFFSET", "LIMIT", "TOP", "VALUE", "BETWEEN", "JOIN", "GROUP", "DISTINCT"];
    private int _at;

    private Token Peek => tokens[_at];

    public SqlQuery ParseQuery()
    {
        Expect("SELECT");
        if (Peek.Is("DISTINCT"))
        {
            throw new SqlException("DISTINCT is not supported by the local server.");
        }

        int? top = null;
        if (Accept("TOP"))
        {
            top = Integer();
        }

        var star = false;
        SqlExpr? value = null;
        var list = new List<(SqlExpr, string)>();
        if (AcceptSymbol("*"))
        {
            star = true;
        }
        else if (Accept("VALUE"))
        {
            value = Expression();
        }
        else
        {
            do
            {
                var expr = Expression();
                string alias;
                if (Accept("AS"))
                {
                    alias = Identifier();
                }
                else if (Peek.Kind == TokenKind.Identifier && !IsReserved(Peek))
                {
                    alias = Identifier();
                }
                else
                {
                    alias = expr is SqlMember { Key: SqlLiteral { Value: JsonValue key } } && key.TryGetValue<string>(out var name) ? name : "$" + (list.Count + 1).ToString(CultureInfo.InvariantCulture);
                }

                list.Add((expr, alias));
            }
            while (AcceptSymbol(","));
        }

        Expect("FROM");
        var alias1 = Identifier();
        if (Accept("AS") || (Peek.Kind == TokenKind.Identifier && !IsReserved(Peek)))
        {
            alias1 = Identifier();
        }

        if (Peek.Is("JOIN") || Peek.Is("GROUP"))
        {
            throw new SqlException($"{Peek.Text.ToUpperInvariant()} is not supported by the local server.");
        }

        SqlExpr? where = Accept("WHERE") ? Expression() : null;
        var orderBy = new List<(SqlExpr, bool)>();
        if (Accept("ORDER"))
        {
            Expect("BY");
            do
            {
                var expr = Expression();
                var descending = Accept("DESC");
                if (!descending)
                {
                    Accept("ASC");
                }

                orderBy.Add((expr, descending));
            }
            while (AcceptSymbol(","));
        }

        int? offset = null, limit = null;
        if (Accept("OFFSET"))
        {
            offset = Integer();
            Expect("LIMIT");
            limit = Integer();
        }

        if (Peek.Kind != TokenKind.End)
        {
            throw new SqlException($"Syntax error, incorrect syntax near '{Peek.Text}'.");
        }

        return new SqlQuery(top, star, value, list, alias1, where, orderBy, offset, limit);
    }

    private static bool IsReserved(Token token) => s_reserved.Any(token.Is);

    private SqlExpr Expression() => Or();

    private SqlExpr Or()
    {
        var left = And();
        while (Accept("OR"))
        {
            left = new SqlBinary("OR", left, And());
        }

        return left;
    }

    private SqlExpr And()
    {
        var left = Not();
        while (Accept("AND"))
        {
            left = new SqlBinary("AND", left, Not());
        }

        return left;
    }

    private SqlExpr Not() => Accept("NOT") ? new SqlUnary("NOT", Not()) : Comparison();

    private SqlExpr Comparison()
    {
        var left = Additive();
        foreach (var op in (string[])["=", "!=", "<>", "<=", ">=", "<", ">"])
        {
            if (AcceptSymbol(op))
            {
                return new SqlBinary(op == "<>" ? "!=" : op, left, Additive());
            }
        }

        var negated = Peek.Is("NOT") && tokens[_at + 1].Is("IN");
        if (negated)
        {
            _at++;
        }

        if (Accept("IN"))
        {
            ExpectSymbol("(");
            var items = new List<SqlExpr>();
            do
            {
                items.Add(Additive());
            }
            while (AcceptSymbol(","));
            ExpectSymbol(")");
            return new SqlIn(left, items, negated);
        }

        if (Accept("BETWEEN"))
        {
            var low = Additive();
            Expect("AND");
            var high = Additive();
            return new SqlBinary("AND", new SqlBinary(">=", left, low), new SqlBinary("<=", left, high));
        }

        return left;
    }

    private SqlExpr Additive()
    {
        var left = Multiplicative();
        while (Peek.IsSymbol("+") || Peek.IsSymbol("-") || Peek.IsSymbol("||"))
        {
            var op = tokens[_at++].Text;
            left = new SqlBinary(op, left, Multiplicative());
        }

        return left;
    }

    private SqlExpr Multiplicative()
    {
        var left = Unary();
        while (Peek.IsSymbol("*") || Peek.IsSymbol("/") || Peek.IsSymbol("%"))
        {
            var op = tokens[_at++].Text;
            left = new SqlBinary(op, left, Unary());
        }

        return left;
    }

    private SqlExpr Unary() => AcceptSymbol("-") ? new SqlUnary("-", Unary()) : Postfix();

    private SqlExpr Postfix()
    {
        var expr = Primary();
        while (true)
        {
            if (AcceptSymbol("."))
            {
                expr = new SqlMember(expr, new SqlLiteral(JsonValue.Create(Identifier())));
            }
            else if (AcceptSymbol("["))
            {
                var key = Expression();
                ExpectSymbol("]");
                expr = new SqlMember(expr, key);
            }
            else
            {
                return expr;
            }
        }
    }

    private SqlExpr Primary()
    {
        var token = tokens[_at++];
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new SqlLiteral(JsonValue.Create(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture)));
            case TokenKind.String:
                return new SqlLiteral(JsonValue.Create(token.Text));
            case TokenKind.Parameter:
                return new SqlParameter(token.Text);
            case TokenKind.Identifier when token.Is("true") || token.Is("false"):
                return new SqlLiteral(JsonValue.Create(token.Is("true")));
            case TokenKind.Identifier when token.Is("null"):
                return new SqlLiteral(null);
            case TokenKind.Identifier when token.Is("undefined"):
                return new SqlLiteral(null, Undefined: true);
            case TokenKind.Identifier when Peek.IsSymbol("("):
                _at++;
                var arguments = new List<SqlExpr>();
                if (!AcceptSymbol(")"))
                {
                    do
                    {
                        arguments.Add(Expression());
                    }
                    while (AcceptSymbol(","));
                    ExpectSymbol(")");
                }

                return new SqlCall(token.Text.ToUpperInvariant(), arguments);
            case TokenKind.Identifier when !IsReserved(token):
                return new SqlRoot(token.Text);
            case TokenKind.Symbol when token.Text == "(":
                var inner = Expression();
                ExpectSymbol(")");
                return inner;
            case TokenKind.Symbol when token.Text == "[":
                var items = new List<SqlExpr>();
                if (!AcceptSymbol("]"))
                {
                    do
                    {
                        items.Add(Expression());
                    }
                    while (AcceptSymbol(","));
                    ExpectSymbol("]");
                }

                return new SqlArray(items);
            case TokenKind.Symbol when token.Text == "{":
                var properties = new List<(string, SqlExpr)>();
                if (!AcceptSymbol("}"))
                {
                    do
                    {
                        var key = tokens[_at++];
                        if (key.Kind is not (TokenKind.String or TokenKind.Identifier))
                        {
                            throw new SqlException($"Syntax error, incorrect syntax near '{key.Text}'.");
                        }

                        ExpectSymbol(":");
                        properties.Add((key.Text, Expression()));
                    }
                    while (AcceptSymbol(","));
                    ExpectSymbol("}");
                }

                return new SqlObject(properties);
            default:
                throw new SqlException($"Syntax error, incorrect syntax near '{token.Text}'.");
        }
    }

    private int Integer()
    {
        var token = tokens[_at++];
        if (token.Kind != TokenKind.Number || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new SqlException($"Syntax error, expected an integer near '{token.Text}'.");
        }

        return value;
    }

    private string Identifier()
    {
        var token = tokens[_at++];
        if (token.Kind != TokenKind.Identifier)
        {
            throw new SqlException($"Syntax error, expected an identifier near '{token.Text}'.");
        }

        return token.Text;
    }

    private bool Accept(string keyword)
    {
        if (Peek.Is(keyword))
        {
            _at++;
            return true;
        }

        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (Peek.IsSymbol(symbol))
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(string keyword)
    {
        if (!Accept(keyword))
        {
            throw new SqlException($"Syntax error, expected {keyword} near '{Peek.Text}'.");
        }
    }

    private void ExpectSymbol(string symbol)
    {
        if (!AcceptSymbol(symbol))
        {
            throw new SqlException($"Syntax error, expected '{symbol}' near '{Peek.Text}'.");
        }
    }
}
