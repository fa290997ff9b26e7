// `kubectl rollout restart` sets this annotation on the pod template to the current time; the
// Deployment or StatefulSet controller then replaces every pod.
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
