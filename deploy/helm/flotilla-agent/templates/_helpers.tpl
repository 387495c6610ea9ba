{{/* Names, labels and the allowed-kinds resolution shared by every template. */}}

{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "flotilla-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "flotilla-agent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "flotilla-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "flotilla-agent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "flotilla-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "flotilla-agent.serviceAccountName" -}}
{{- default (include "flotilla-agent.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "flotilla-agent.bootstrapSecretName" -}}
{{- if .Values.bootstrap.existingSecret }}
{{- .Values.bootstrap.existingSecret }}
{{- else }}
{{- include "flotilla-agent.fullname" . }}-bootstrap
{{- end }}
{{- end }}

{{/* The ConfigMap holding the hub's CA bundle, or nothing when the system trust store is used. */}}
{{- define "flotilla-agent.hubCaConfigMap" -}}
{{- if .Values.hub.caConfigMap }}
{{- .Values.hub.caConfigMap }}
{{- else if .Values.hub.caBundle }}
{{- include "flotilla-agent.fullname" . }}-hub-ca
{{- end }}
{{- end }}

{{/* Fails the install on values that would produce a broken or over-privileged agent. */}}
{{- define "flotilla-agent.validate" -}}
{{- if not (has .Values.rbac.scope (list "namespaced" "cluster")) }}
{{- fail (printf "rbac.scope: %q is not one of namespaced, cluster" .Values.rbac.scope) }}
{{- end }}
{{- if and (has "*" .Values.allowedNamespaces) (ne .Values.rbac.scope "cluster") }}
{{- fail "allowedNamespaces: \"*\" (every namespace) needs rbac.scope=cluster" }}
{{- end }}
{{- if and .Values.createNamespaces (has "*" .Values.allowedNamespaces) }}
{{- fail "createNamespaces: cannot create \"*\"; list the namespaces instead" }}
{{- end }}
{{- if and .Values.render.enableHelm (not .Values.render.kustomizeCommand) }}
{{- fail "render.enableHelm: needs render.kustomizeCommand (helm runs only inside the external kustomize)" }}
{{- end }}
{{- end }}

{{/*
Built-in kinds the chart can grant, as discovery (Kubernetes v1.29+) reports them: API group, resource and scope.
Only kinds an application deploys; anything else is given in allowedKinds as {kind, group, resource, namespaced}.
*/}}
{{- define "flotilla-agent.builtinKinds" -}}
ConfigMap: {group: "", resource: configmaps, namespaced: true}
Secret: {group: "", resource: secrets, namespaced: true}
Service: {group: "", resource: services, namespaced: true}
ServiceAccount: {group: "", resource: serviceaccounts, namespaced: true}
PersistentVolumeClaim: {group: "", resource: persistentvolumeclaims, namespaced: true}
Pod: {group: "", resource: pods, namespaced: true}
Namespace: {group: "", resource: namespaces, namespaced: false}
Deployment: {group: apps, resource: deployments, namespaced: true}
StatefulSet: {group: apps, resource: statefulsets, namespaced: true}
DaemonSet: {group: apps, resource: daemonsets, namespaced: true}
ReplicaSet: {group: apps, resource: replicasets, namespaced: true}
Job: {group: batch, resource: jobs, namespaced: true}
CronJob: {group: batch, resource: cronjobs, namespaced: true}
Ingress: {group: networking.k8s.io, resource: ingresses, namespaced: true}
NetworkPolicy: {group: networking.k8s.io, resource: networkpolicies, namespaced: true}
HorizontalPodAutoscaler: {group: autoscaling, resource: horizontalpodautoscalers, namespaced: true}
PodDisruptionBudget: {group: policy, resource: poddisruptionbudgets, namespaced: true}
Role: {group: rbac.authorization.k8s.io, resource: roles, namespaced: true}
RoleBinding: {group: rbac.authorization.k8s.io, resource: rolebindings, namespaced: true}
CustomResourceDefinition: {group: apiextensions.k8s.io, resource: customresourcedefinitions, namespaced: false}
{{- end }}

{{/*
allowedKinds resolved to RBAC terms, as YAML {kinds: [{id, group, resource, namespaced}]} for fromYaml.
id is what the agent's guard reads (FLOTILLA_ALLOWED_KINDS): the kind for a built-in, Kind.group for a custom kind.
*/}}
{{- define "flotilla-agent.resolvedKinds" -}}
{{- $table := include "flotilla-agent.builtinKinds" . | fromYaml }}
{{- $out := list }}
{{- range $i, $k := .Values.allowedKinds }}
{{- if kindIs "string" $k }}
{{- $row := get $table $k }}
{{- if not $row }}
{{- fail (printf "allowedKinds[%d]: %q is not a built-in kind the chart knows (%s); give a custom kind as {kind, group, resource, namespaced}" $i $k (keys $table | sortAlpha | join ", ")) }}
{{- end }}
{{- $out = append $out (dict "id" $k "group" $row.group "resource" $row.resource "namespaced" $row.namespaced) }}
{{- else }}
{{- if not (and (kindIs "map" $k) $k.kind $k.group $k.resource (hasKey $k "namespaced")) }}
{{- fail (printf "allowedKinds[%d]: a custom kind needs kind, group, resource and namespaced" $i) }}
{{- end }}
{{- $out = append $out (dict "id" (printf "%s.%s" $k.kind $k.group) "group" $k.group "resource" $k.resource "namespaced" $k.namespaced) }}
{{- end }}
{{- end }}
{{- toYaml (dict "kinds" $out) }}
{{- end }}

{{/* The apply verbs on the given resolved kinds: one rule per API group, resources sorted. Never a wildcard. */}}
{{- define "flotilla-agent.applyRules" -}}
{{- $byGroup := dict }}
{{- range . }}
{{- $_ := set $byGroup .group (append (get $byGroup .group | default list) .resource) }}
{{- end }}
{{- $rules := list }}
{{- range $group := keys $byGroup | sortAlpha }}
{{- $resources := get $byGroup $group | uniq | sortAlpha }}
{{- $rules = append $rules (dict "apiGroups" (list $group) "resources" $resources "verbs" (list "get" "list" "watch" "create" "update" "patch" "delete")) }}
{{- end }}
{{- toYaml $rules }}
{{- end }}

{{/*
Read-only rules for what the agent's health watch reads beside the objects it applies: the pods and ReplicaSets of its
workloads (a Deployment is judged by its current pods). Never a write verb: the agent does not manage these kinds for them.
*/}}
{{- define "flotilla-agent.healthReadRules" -}}
{{- toYaml (list (dict "apiGroups" (list "") "resources" (list "pods") "verbs" (list "get" "list" "watch")) (dict "apiGroups" (list "apps") "resources" (list "replicasets") "verbs" (list "get" "list" "watch"))) }}
{{- end }}

{{/*
The resolved kinds split by how they are granted, as YAML for fromYaml:
namespaced (Roles, or the ClusterRole with rbac.scope=cluster), clusterScoped (ClusterRole), namespaceKind (Namespace, which
gets name-limited rules of its own).
*/}}
{{- define "flotilla-agent.kindSets" -}}
{{- $sets := dict "namespaced" (list) "clusterScoped" (list) "namespaceKind" false }}
{{- range (include "flotilla-agent.resolvedKinds" . | fromYaml).kinds }}
{{- if eq .id "Namespace" }}
{{- $_ := set $sets "namespaceKind" true }}
{{- else if .namespaced }}
{{- $_ := set $sets "namespaced" (append $sets.namespaced .) }}
{{- else }}
{{- $_ := set $sets "clusterScoped" (append $sets.clusterScoped .) }}
{{- end }}
{{- end }}
{{- toYaml $sets }}
{{- end }}

{{/*
Rules for the Namespace kind. Creating a namespace cannot be limited by name (the name is not known to RBAC before the
object exists); reading, changing and deleting one are limited to the allowed namespaces.
*/}}
{{- define "flotilla-agent.namespaceRules" -}}
{{- $rules := list }}
{{- if has "*" .Values.allowedNamespaces }}
{{- $rules = list (dict "apiGroups" (list "") "resources" (list "namespaces") "verbs" (list "get" "list" "watch" "create" "update" "patch" "delete")) }}
{{- else }}
{{- $rules = list (dict "apiGroups" (list "") "resources" (list "namespaces") "verbs" (list "create" "list" "watch")) }}
{{- if .Values.allowedNamespaces }}
{{- $rules = append $rules (dict "apiGroups" (list "") "resources" (list "namespaces") "resourceNames" .Values.allowedNamespaces "verbs" (list "get" "update" "patch" "delete")) }}
{{- end }}
{{- end }}
{{- toYaml $rules }}
{{- end }}
