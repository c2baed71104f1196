package io.collectoffline.protocol;

import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * The one converter of whole-number query and path parameters ({@code int}, {@code long} and their boxes) for both
 * apps: a value that is not a whole number is a 400 naming the parameter ({@link InvalidParameterException}), never
 * the bare 404 JAX-RS gives by default; an {@code int} beyond its range is held at its bound (a huge
 * {@code ?limit=} means "as many as allowed", and the endpoint's own range check says what that is).
 */
@Provider
public class WholeNumberParameters implements ParamConverterProvider {

    @Override
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        boolean isLong = rawType == Long.class || rawType == long.class;
        boolean isInt = rawType == Integer.class || rawType == int.class;
        String name = parameterName(annotations);
        if (!isLong && !isInt || name == null) {
            return null;
        }
        return new ParamConverter<>() {
            @Override
            @SuppressWarnings("unchecked")
            public T fromString(String value) {
                if (value == null) {
                    return null;
                }
                long number = parse(name, value);
                Object converted = isLong
                        ? (Object) number
                        : (Object) (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number));
                return (T) converted;
            }

            @Override
            public String toString(T value) {
                return value == null ? null : value.toString();
            }
        };
    }

    /** {@code value} as a whole number; {@link InvalidParameterException} naming {@code name} when it is none. */
    public static long parse(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(name, "must be a whole number");
        }
    }

    private static String parameterName(Annotation[] annotations) {
        if (annotations == null) {
            return null;
        }
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return query.value();
            }
            if (annotation instanceof PathParam path) {
                return path.value();
            }
        }
        return null;
    }
}
