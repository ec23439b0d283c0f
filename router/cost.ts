// The estimated cost of a whole federated operation, read from the supergraph's @cost and
// @listSize (https://specs.apollo.dev/cost/v0.1), the same rules demand control applies to
// each subgraph request:
//   - a field returning an object costs 1 (or its type's / field's @cost weight), a scalar 0;
//   - that cost is multiplied by the sizes of every list around it;
//   - a list's size is its slicing argument (literal, variable or the argument's default; an
//     absent or null one is the default page), capped at the largest page, or its
//     @listSize(assumedSize), or `assumedListSize` when it declares nothing;
//   - `sizedFields` hand the slicing argument's size to the named child (a connection's edges).
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isIntrospectionType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';

export interface CostOptions {
  assumedListSize: number;
  defaultPageSize: number;
  maxPageSize: number;
  operationName?: string;
}

type Directives = readonly ConstDirectiveNode[] | undefined;

function directive(nodes: Directives, name: string): ConstDirectiveNode | undefined {
  return nodes?.find((d) => d.name.value === name);
}

function argumentNode(node: ConstDirectiveNode | FieldNode, name: string): ValueNode | undefined {
  return node.arguments?.find((a) => a.name.value === name)?.value;
}

function strings(value: ValueNode | undefined): string[] {
  if (!value) return [];
  if (value.kind === Kind.LIST) return value.values.flatMap((v) => strings(v));
  return value.kind === Kind.STRING ? [value.value] : [];
}

function intValue(value: ValueNode | undefined): number | undefined {
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
}

function weight(nodes: Directives): number | undefined {
  const cost = directive(nodes, 'cost');
  const value = cost && argumentNode(cost, 'weight');
  if (!value) return undefined;
  const n = Number(value.kind === Kind.INT || value.kind === Kind.STRING || value.kind === Kind.FLOAT
    ? value.value : NaN);
  return Number.isFinite(n) ? n : undefined;
}

/** The size an argument asks for: a literal, a variable's value, else the field's default. */
function requestedSize(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  name: string,
  variables: Record<string, unknown>,
  options: CostOptions,
): number {
  const value = argumentNode(node, name);
  let raw: unknown;
  if (value?.kind === Kind.VARIABLE) raw = variables[value.name.value];
  else if (value?.kind === Kind.INT) raw = Number(value.value);
  else if (value === undefined) raw = field.args.find((a) => a.name === name)?.defaultValue;
  const n = typeof raw === 'number' && Number.isFinite(raw) ? raw : options.defaultPageSize;
  // Out-of-range sizes are refused by the subgraph, naming the argument: priced as one item,
  // so that refusal is the one the client sees.
  const size = Math.trunc(n);
  return size >= 1 && size <= options.maxPageSize ? size : 1;
}

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  options: CostOptions,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (options.operationName && definition.name?.value !== options.operationName) continue;
    const root = schema.getRootType(definition.operation);
    if (root) total = Math.max(total, selectionCost(root, definition.selectionSet, 1, new Map(), []));
  }
  return total;

  /** What a selection set costs when `factor` copies of it are fetched. */
  function selectionCost(
    parent: GraphQLNamedType,
    selectionSet: SelectionSetNode | undefined,
    factor: number,
    handed: Map<string, number>,
    spreading: string[],
  ): number {
    if (!selectionSet) return 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = isObjectType(parent) || isInterfaceType(parent)
          ? parent.getFields()[selection.name.value] : undefined;
        if (field) cost += fieldCost(field, selection, factor, handed, spreading);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const target = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value) : parent;
        if (target) cost += selectionCost(target, selection.selectionSet, factor, handed, spreading);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const target = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && target && !spreading.includes(name)) {
          cost += selectionCost(target, fragment.selectionSet, factor, handed, [...spreading, name]);
        }
      }
    }
    return cost;
  }

  function fieldCost(
    field: GraphQLField<unknown, unknown>,
    node: FieldNode,
    outer: number,
    handed: Map<string, number>,
    spreading: string[],
  ): number {
    const named = getNamedType(field.type);
    if (isIntrospectionType(named)) return 0;
    const directives = field.astNode?.directives;
    const listSize = directive(directives, 'listSize');
    const sizes = new Map<string, number>();
    let factor = 1;
    const inherited = handed.get(node.name.value);
    if (inherited !== undefined) {
      factor = inherited;
    } else if (listSize) {
      const slicing = strings(argumentNode(listSize, 'slicingArguments'));
      const sized = strings(argumentNode(listSize, 'sizedFields'));
      const assumed = intValue(argumentNode(listSize, 'assumedSize'));
      if (slicing.length) {
        const size = Math.max(...slicing.map((n) => requestedSize(field, node, n, variables, options)));
        if (sized.length) for (const name of sized) sizes.set(name, size);
        else factor = size;
      } else if (assumed !== undefined) {
        factor = assumed;
      }
    } else if (isListType(getNullableType(field.type))) {
      factor = options.assumedListSize;
    }
    const scaled = outer * factor;
    const own = weight(directives) ?? weight(named.astNode?.directives) ??
      (isCompositeType(named) ? 1 : 0);
    return scaled * own + selectionCost(named, node.selectionSet, scaled, sizes, spreading);
  }
}
