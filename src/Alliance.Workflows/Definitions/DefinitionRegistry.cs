using System.Collections.Concurrent;

namespace Alliance.Workflows.Definitions;

/// <summary>The definitions that are live, by id and version. New instances use the latest published version.</summary>
public sealed class DefinitionRegistry
{
    private readonly ConcurrentDictionary<DefinitionKey, WorkflowDefinition> _definitions = new();

    public IReadOnlyCollection<WorkflowDefinition> All => [.. _definitions.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Version)];

    /// <summary>Adds a definition; false when that id and version is already live (a version is immutable).</summary>
    public bool TryAdd(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _definitions.TryAdd(definition.Key, definition);
    }

    public WorkflowDefinition? Find(string id, int version) => _definitions.GetValueOrDefault(new DefinitionKey(id, version));

    public WorkflowDefinition? Latest(string id) =>
        _definitions.Values.Where(d => d.Id == id && d.Published).MaxBy(d => d.Version);

    /// <summary>Loads every *.json under a folder (except schema.json). Invalid definitions are reported and not added.</summary>
    public LoadResult LoadDirectory(string directory)
    {
        var result = DefinitionLoader.LoadDirectory(directory);
        var errors = result.Errors.ToList();
        var added = new List<WorkflowDefinition>();
        foreach (var definition in result.Definitions)
        {
            if (TryAdd(definition))
            {
                added.Add(definition);
            }
            else
            {
                errors.Add(new DefinitionError(definition.SourceFile, "$.version", DefinitionErrorCodes.DuplicateVersion, $"{definition.Key} is already loaded"));
            }
        }

        return new LoadResult(added, errors);
    }
}

/// <summary>The definitions that loaded and the errors of those that did not.</summary>
public sealed record LoadResult(IReadOnlyList<WorkflowDefinition> Definitions, IReadOnlyList<DefinitionError> Errors);
