{{- define "shop.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "shop.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selects one app's pods; call with (dict "root" $ "app" "auth"). */}}
{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{/*
  One app's image: <registry>/<repository>-<app>:<tag>, or @<digest> when one is given; call with
  (dict "root" $ "app" "auth"). apps.<app>.image overrides repository, tag and digest.
*/}}
{{- define "shop.image" -}}
{{- $image := .root.Values.image -}}
{{- $own := (get .root.Values.apps .app).image | default dict -}}
{{- $repository := $own.repository | default (printf "%s-%s" $image.repository .app) -}}
{{- $name := ternary (printf "%s/%s" $image.registry $repository) $repository (ne ($image.registry | default "") "") -}}
{{- if $own.digest -}}
{{- printf "%s@%s" $name $own.digest -}}
{{- else -}}
{{- printf "%s:%s" $name ($own.tag | default $image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{- define "shop.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "shop.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "shop.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-secrets" (include "shop.fullname" .)) -}}
{{- end -}}

{{/* The apps that listen on Nest's TCP transport, with their health port. */}}
{{- define "shop.tcpApps" -}}
auth catalog orders notifications
{{- end -}}

{{/* One NetworkPolicy ingress rule: a named port, from these peers (every source when empty). */}}
{{- define "shop.ingressRule" -}}
- ports:
    - port: {{ .port }}
      protocol: TCP
  {{- with .from }}
  from:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- define "shop.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "shop.secretName" .root }}
      key: {{ .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{- define "shop.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext -}}
{{- end -}}

{{/* The root filesystem is read-only by default; the pods mount an emptyDir on /tmp. */}}
{{- define "shop.containerSecurityContext" -}}
{{- toYaml .Values.securityContext -}}
{{- end -}}
