"""The research library and its journey maps for MCP clients (Claude Desktop, Cursor, agents):
tools to search the evidence, read maps and their top pain points, ask cited questions, start a
draft and follow its job, and comment on a map; approved maps as resources.

Two ways in, one server (``api.mcp.server``): ``cjm mcp`` speaks over stdio as the local user
of CJM_HOME (``api.cli.mcp``), and ``cjm serve`` answers at ``/mcp`` (Streamable HTTP) with
the HTTP API's keys, roles and workspaces (``api.http.mcp_endpoint``). Customer text reaches
the agent fenced as untrusted data (``api.fencing``).
"""
