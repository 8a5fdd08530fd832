package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryCLITestIsNamedTestAcc: compat runs only the tests named
// TestAcc... under each CLI, so a test that runs the CLI under another name
// would be left out without a word. Every test function of the provider's
// package that calls the harness (resource.Test, resource.ParallelTest) or
// runs the CLI itself (cliWorkspace) must be named so.
func TestEveryCLITestIsNamedTestAcc(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "provider", "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files found: %v", err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Body == nil {
				continue
			}
			checked++
			if runsTheCLI(fn.Body) && !strings.HasPrefix(fn.Name.Name, "TestAcc") {
				t.Errorf("%s runs the CLI but is not named TestAcc...: make compat would leave it out", fn.Name.Name)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no test functions found")
	}
}

// runsTheCLI reports whether body calls the harness or cliWorkspace.
func runsTheCLI(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fun := call.Fun.(type) {
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); ok && x.Name == "resource" && (fun.Sel.Name == "Test" || fun.Sel.Name == "ParallelTest") {
				found = true
			}
		case *ast.Ident:
			if fun.Name == "cliWorkspace" {
				found = true
			}
		}
		return true
	})
	return found
}
