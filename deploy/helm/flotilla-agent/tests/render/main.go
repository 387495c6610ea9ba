// Renders this chart the way `helm template` does, for checking tests/expected-*.yaml where no helm binary exists.
// It runs the real Go text/template engine with the real sprig v3 functions, and mirrors the parts of Helm v3 that
// matter here (pkg/engine: include, required, toYaml, fromYaml, missingkey=zero, "<no value>" removal;
// pkg/chartutil: values coalescing; pkg/releaseutil: manifest splitting and install-order sorting).
// Build in GOPATH mode against Debian's packages: golang-go, golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run main.go <chart dir> <release> <namespace> <values file> [--notes]
//
// With --notes it prints the rendered NOTES.txt instead of the manifests.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// installOrder is releaseutil.InstallOrder of Helm v3.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
	"PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
	"ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
	"IngressClass", "Ingress", "APIService",
}

// sep is releaseutil's manifest separator.
var sep = regexp.MustCompile("(?:^|\\s*\n)---\\s*")

func readYAML(file string) map[string]interface{} {
	data, err := os.ReadFile(file)
	must(err)
	m := map[string]interface{}{}
	must(yaml.Unmarshal(data, &m))
	return m
}

// coalesce merges user values over chart defaults as chartutil.CoalesceValues does: maps deep, everything else replaced,
// null deleting the key.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := dst[k].(map[string]interface{})
		if sok && dok {
			dst[k] = coalesce(dm, sm)
		} else {
			dst[k] = v
		}
	}
	return dst
}

func funcs(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromYamlArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, errors.New(warn)
		}
		if s, ok := val.(string); ok && s == "" {
			return val, errors.New(warn)
		}
		return val, nil
	}
	f["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	return f
}

type manifest struct{ name, content, kind string }

func kindRank(kind string) int {
	for i, k := range installOrder {
		if k == kind {
			return i
		}
	}
	return len(installOrder)
}

func main() {
	if len(os.Args) != 5 && !(len(os.Args) == 6 && os.Args[5] == "--notes") {
		fmt.Fprintln(os.Stderr, "usage: render <chart dir> <release> <namespace> <values file> [--notes]")
		os.Exit(2)
	}
	notes := len(os.Args) == 6
	chartDir, release, namespace, valuesFile := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	meta := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	chartName := meta["name"].(string)
	values := coalesce(readYAML(filepath.Join(chartDir, "values.yaml")), readYAML(valuesFile))

	entries, err := os.ReadDir(filepath.Join(chartDir, "templates"))
	must(err)
	var names []string
	t := template.New("gotpl")
	t.Funcs(funcs(t)).Option("missingkey=zero")
	for _, e := range entries {
		name := path.Join(chartName, "templates", e.Name())
		text, err := os.ReadFile(filepath.Join(chartDir, "templates", e.Name()))
		must(err)
		_, err = t.New(name).Parse(string(text))
		must(err)
		names = append(names, name)
	}
	sort.Strings(names)

	var manifests []manifest
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt") != notes {
			continue
		}
		vals := map[string]interface{}{
			"Values":   values,
			"Release":  map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
			"Chart":    map[string]interface{}{"Name": chartName, "Version": meta["version"], "AppVersion": meta["appVersion"]},
			"Template": map[string]interface{}{"Name": name, "BasePath": path.Join(chartName, "templates")},
		}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, vals); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if notes {
			fmt.Print(out)
			return
		}
		for _, doc := range sep.Split(strings.TrimSpace(out), -1) {
			doc = strings.TrimSpace(doc)
			if doc == "" {
				continue
			}
			var head struct{ Kind string }
			must(yaml.Unmarshal([]byte(doc), &head))
			manifests = append(manifests, manifest{name, doc, head.Kind})
		}
	}
	sort.SliceStable(manifests, func(i, j int) bool {
		ri, rj := kindRank(manifests[i].kind), kindRank(manifests[j].kind)
		if ri == len(installOrder) && rj == len(installOrder) {
			return manifests[i].kind < manifests[j].kind
		}
		return ri < rj
	})
	for _, m := range manifests {
		fmt.Printf("---\n# Source: %s\n%s\n", m.name, m.content)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
